#!/usr/bin/python3
"""Independent reference for the Java Qwen2-Audio forward pass (parity tests).

Written from the published layout of Hugging Face's Qwen2AudioForConditionalGeneration
(Whisper encoder + average pooling + linear projector + Qwen2 decoder), without importing
transformers or safetensors (Debian's python3-torch 1.13 has neither): its own safetensors
reader, explicit softmax attention with additive masks, explicit head repetition for grouped
query attention, per-sample loops for splicing audio.

usage: qwen2_audio_reference.py [--generate N] MODEL_DIR CASE_DIR [CASE_DIR ...]
  MODEL_DIR holds config.json and model.safetensors.
  CASE_DIR holds ids.npy, mask.npy [B, S] (any numeric dtype) and optionally
  features.npy [B, n_mels, T] and frames.npy [B]; logits.npy and hidden.npy are written there,
  and with --generate N also tokens.npy [B, N]: N greedy tokens (no stop token) using the cache.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        chunk = raw[base + a:base + b]
        if e["dtype"] == "F32":
            arr = np.frombuffer(chunk, dtype="<f4")
        elif e["dtype"] == "F16":
            arr = np.frombuffer(chunk, dtype="<f2").astype(np.float32)
        elif e["dtype"] == "BF16":
            arr = (np.frombuffer(chunk, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise ValueError("unsupported dtype %s for %s" % (e["dtype"], name))
        out[name] = torch.from_numpy(arr.copy()).reshape(e["shape"])
    return out


class Reference:
    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            cfg = json.load(f)
        self.a = cfg["audio_config"]
        self.t = cfg["text_config"]
        self.audio_token = cfg["audio_token_index"]
        self.w = read_safetensors(os.path.join(model_dir, "model.safetensors"))

    # ---- audio tower -------------------------------------------------------------------------
    def encode_audio(self, feats, frames):
        w, a = self.w, self.a
        d, heads = a["d_model"], a["encoder_attention_heads"]
        hd = d // heads
        x = F.gelu(F.conv1d(feats, w["audio_tower.conv1.weight"], w["audio_tower.conv1.bias"], padding=1))
        x = F.gelu(F.conv1d(x, w["audio_tower.conv2.weight"], w["audio_tower.conv2.bias"], stride=2, padding=1))
        x = x.transpose(1, 2)
        B, T1, _ = x.shape
        x = x + w["audio_tower.embed_positions.weight"][:T1]
        conv_len = [(int(n) - 1) // 2 + 1 for n in frames]
        add = torch.zeros(B, 1, 1, T1)
        for b in range(B):
            add[b, :, :, conv_len[b]:] = torch.finfo(torch.float32).min
        for i in range(a["encoder_layers"]):
            p = "audio_tower.layers.%d." % i
            r = x
            h = F.layer_norm(x, (d,), w[p + "self_attn_layer_norm.weight"], w[p + "self_attn_layer_norm.bias"], 1e-5)
            q = (h @ w[p + "self_attn.q_proj.weight"].T + w[p + "self_attn.q_proj.bias"]) * hd ** -0.5
            k = h @ w[p + "self_attn.k_proj.weight"].T
            v = h @ w[p + "self_attn.v_proj.weight"].T + w[p + "self_attn.v_proj.bias"]
            q, k, v = [t.reshape(B, T1, heads, hd).transpose(1, 2) for t in (q, k, v)]
            att = torch.softmax(q @ k.transpose(-1, -2) + add, dim=-1) @ v
            att = att.transpose(1, 2).reshape(B, T1, d)
            x = r + att @ w[p + "self_attn.out_proj.weight"].T + w[p + "self_attn.out_proj.bias"]
            r = x
            h = F.layer_norm(x, (d,), w[p + "final_layer_norm.weight"], w[p + "final_layer_norm.bias"], 1e-5)
            h = F.gelu(h @ w[p + "fc1.weight"].T + w[p + "fc1.bias"])
            x = r + h @ w[p + "fc2.weight"].T + w[p + "fc2.bias"]
        x = F.avg_pool1d(x.transpose(1, 2), kernel_size=2, stride=2).transpose(1, 2)
        x = F.layer_norm(x, (d,), w["audio_tower.layer_norm.weight"], w["audio_tower.layer_norm.bias"], 1e-5)
        x = x @ w["multi_modal_projector.linear.weight"].T + w["multi_modal_projector.linear.bias"]
        pooled = [(c - 2) // 2 + 1 for c in conv_len]
        return [x[b, :pooled[b]] for b in range(B)]

    # ---- text decoder ------------------------------------------------------------------------
    def rms(self, x, weight):
        var = x.pow(2).mean(-1, keepdim=True)
        return x * torch.rsqrt(var + self.t["rms_norm_eps"]) * weight

    def forward(self, ids, mask, feats=None, frames=None, past=None):
        """ids [B, S] new tokens; mask [B, P + S] over cached and new positions; past: per-layer
        (k, v) from an earlier call (P = 0 when None). Returns logits, hidden, new past."""
        w, t = self.w, self.t
        B, S = ids.shape
        P = 0 if past is None else past[0][0].shape[2]
        D = t["hidden_size"]
        H = t["num_attention_heads"]
        KV = t.get("num_key_value_heads", H)
        hd = D // H
        x = w["language_model.model.embed_tokens.weight"][ids].clone()
        if feats is not None and P == 0:
            audio = self.encode_audio(feats, frames)
            for b in range(B):
                slots = [s for s in range(S) if int(ids[b, s]) == self.audio_token]
                assert len(slots) == audio[b].shape[0], (b, len(slots), audio[b].shape)
                for j, s in enumerate(slots):
                    x[b, s] = audio[b][j]
        pos = (mask.cumsum(-1) - 1).clamp(min=0).float()[:, P:]
        inv = 1.0 / (t["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
        ang = pos[:, :, None] * inv[None, None, :]
        ang = torch.cat([ang, ang], -1)[:, None]
        cos, sin = ang.cos(), ang.sin()

        def rope(v):
            v1, v2 = v[..., :hd // 2], v[..., hd // 2:]
            return v * cos + torch.cat([-v2, v1], -1) * sin

        L = P + S
        causal = torch.arange(L)[None, :] <= torch.arange(P, L)[:, None]
        allowed = causal[None, None] & (mask[:, None, None, :] != 0)
        add = torch.zeros(B, 1, S, L).masked_fill(~allowed, torch.finfo(torch.float32).min)
        new_past = []
        for i in range(t["num_hidden_layers"]):
            p = "language_model.model.layers.%d." % i
            r = x
            h = self.rms(x, w[p + "input_layernorm.weight"])
            q = h @ w[p + "self_attn.q_proj.weight"].T + w[p + "self_attn.q_proj.bias"]
            k = h @ w[p + "self_attn.k_proj.weight"].T + w[p + "self_attn.k_proj.bias"]
            v = h @ w[p + "self_attn.v_proj.weight"].T + w[p + "self_attn.v_proj.bias"]
            q = rope(q.reshape(B, S, H, hd).transpose(1, 2))
            k = rope(k.reshape(B, S, KV, hd).transpose(1, 2))
            v = v.reshape(B, S, KV, hd).transpose(1, 2)
            if past is not None:
                k = torch.cat([past[i][0], k], 2)
                v = torch.cat([past[i][1], v], 2)
            new_past.append((k, v))
            rep = H // KV
            k = k[:, :, None].expand(B, KV, rep, L, hd).reshape(B, H, L, hd)
            v = v[:, :, None].expand(B, KV, rep, L, hd).reshape(B, H, L, hd)
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + add, dim=-1) @ v
            x = r + att.transpose(1, 2).reshape(B, S, D) @ w[p + "self_attn.o_proj.weight"].T
            r = x
            h = self.rms(x, w[p + "post_attention_layernorm.weight"])
            g = F.silu(h @ w[p + "mlp.gate_proj.weight"].T) * (h @ w[p + "mlp.up_proj.weight"].T)
            x = r + g @ w[p + "mlp.down_proj.weight"].T
        hidden = self.rms(x, w["language_model.model.norm.weight"])
        logits = hidden @ w["language_model.lm_head.weight"].T
        return logits, hidden, new_past


def greedy(ref, ids, mask, feats, frames, n):
    """n greedy tokens per sample, feeding one token per step through the cache."""
    logits, _, past = ref.forward(ids, mask, feats, frames)
    out = []
    for _ in range(n):
        nxt = logits[:, -1].argmax(-1)
        out.append(nxt)
        mask = torch.cat([mask, torch.ones(mask.shape[0], 1, dtype=mask.dtype)], 1)
        logits, _, past = ref.forward(nxt[:, None], mask, past=past)
    return torch.stack(out, 1)


def load_case(case):
    ids = torch.from_numpy(np.load(os.path.join(case, "ids.npy")).astype(np.int64))
    mask = torch.from_numpy(np.load(os.path.join(case, "mask.npy")).astype(np.int64))
    feats = frames = None
    if os.path.exists(os.path.join(case, "features.npy")):
        feats = torch.from_numpy(np.load(os.path.join(case, "features.npy")).astype(np.float32))
        frames = np.load(os.path.join(case, "frames.npy")).astype(np.int64).tolist()
    return ids, mask, feats, frames


def main():
    torch.set_grad_enabled(False)
    args = sys.argv[1:]
    generate = 0
    if args and args[0] == "--generate":
        generate = int(args[1])
        args = args[2:]
    ref = Reference(args[0])
    for case in args[1:]:
        ids, mask, feats, frames = load_case(case)
        logits, hidden, _ = ref.forward(ids, mask, feats, frames)
        np.save(os.path.join(case, "logits.npy"), logits.numpy().astype(np.float32))
        np.save(os.path.join(case, "hidden.npy"), hidden.numpy().astype(np.float32))
        if generate:
            np.save(os.path.join(case, "tokens.npy"), greedy(ref, ids, mask, feats, frames, generate).numpy().astype(np.float64))
    print("ok", len(args) - 1, "cases")


if __name__ == "__main__":
    main()
