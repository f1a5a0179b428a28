"""The audio tower of io.rrs.model.AudioEncoder in torch, for the GPU experiments (ctc_probe.py, hear_probe.py): conv k3
s1, conv k3 s2 (GELU each), positions, pre-LN blocks with a key mask over the valid frames, average pooling 2, final LN,
the projector to the text width. Plus what both experiments share: CTC lengths, greedy decoding, edit distance, and
reading and writing safetensors without the safetensors package (the tower in the Java layout: audio_tower.*,
multi_modal_projector.*), and io.rrs.pretrain.Spelling's symbols."""
import json, math, struct, unicodedata
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def log_mel(raw):
    """DumpFeatures' uint8 grid back to Whisper log-mel values (it quantises [-1.5, 1.7] to 0..255)."""
    return raw.astype(np.float32) / 255 * 3.2 - 1.5


def sinusoids(length, channels):
    """Whisper's encoder positions (what Qwen2-Audio's checkpoint holds, frozen): sin over the first half of the
    channels, cos over the second, timescales from 1 to 10,000 in geometric steps."""
    step = math.log(10000) / (channels // 2 - 1)
    t = torch.arange(length, dtype=torch.float32)[:, None] * torch.exp(-step * torch.arange(channels // 2, dtype=torch.float32))[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1)


def conv_len(frames): return (frames - 1) // 2 + 1
def pooled_len(frames): return (conv_len(frames) - 2) // 2 + 1


def attention(q, k, v, keymask):
    if hasattr(F, "scaled_dot_product_attention"):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=keymask)
    w = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])  # older torch (Debian's, for a smoke test on a CPU)
    return w.masked_fill(~keymask, float("-inf")).softmax(-1) @ v


class Tower(nn.Module):
    def __init__(s, D, L, FFN, heads, H, mels=80, positions=350):
        super().__init__()
        s.D, s.heads = D, heads
        s.conv1 = nn.Conv1d(mels, D, 3, padding=1)
        s.conv2 = nn.Conv1d(D, D, 3, stride=2, padding=1)
        s.pos = nn.Parameter(torch.randn(positions, D))
        s.blocks = nn.ModuleList()
        for _ in range(L):
            b = nn.Module()
            b.ln1 = nn.LayerNorm(D); b.q = nn.Linear(D, D); b.k = nn.Linear(D, D, bias=False); b.v = nn.Linear(D, D); b.o = nn.Linear(D, D)
            b.ln2 = nn.LayerNorm(D); b.fc1 = nn.Linear(D, FFN); b.fc2 = nn.Linear(FFN, D)
            s.blocks.append(b)
        s.ln = nn.LayerNorm(D)
        s.proj = nn.Linear(D, H)

    def forward(s, x, valid):  # x [B, mels, T], valid frames per clip -> [B, pooled T, H]
        x = F.gelu(s.conv1(x)); x = F.gelu(s.conv2(x))
        B, _, T1 = x.shape
        x = x.permute(0, 2, 1) + s.pos[:T1]
        keymask = (torch.arange(T1, device=x.device)[None, :] < torch.tensor([conv_len(v) for v in valid], device=x.device)[:, None]).view(B, 1, 1, T1)
        hd = s.D // s.heads
        for b in s.blocks:
            h = b.ln1(x)
            q, k, v = (m(h).view(B, T1, s.heads, hd).transpose(1, 2) for m in (b.q, b.k, b.v))
            x = x + b.o(attention(q, k, v, keymask).transpose(1, 2).reshape(B, T1, s.D))
            x = x + b.fc2(F.gelu(b.fc1(b.ln2(x))))
        x = F.avg_pool1d(x.permute(0, 2, 1), 2, 2).permute(0, 2, 1)
        return s.proj(s.ln(x))

    def java_layout(s):
        """The tower's tensors under the names io.rrs.model.Qwen2AudioLayout gives them."""
        p = "audio_tower."
        sd = {p + "conv1.weight": s.conv1.weight, p + "conv1.bias": s.conv1.bias, p + "conv2.weight": s.conv2.weight,
              p + "conv2.bias": s.conv2.bias, p + "embed_positions.weight": s.pos, p + "layer_norm.weight": s.ln.weight,
              p + "layer_norm.bias": s.ln.bias, "multi_modal_projector.linear.weight": s.proj.weight,
              "multi_modal_projector.linear.bias": s.proj.bias}
        for i, b in enumerate(s.blocks):
            q = f"{p}layers.{i}."
            for n, m in (("self_attn.q_proj", b.q), ("self_attn.k_proj", b.k), ("self_attn.v_proj", b.v), ("self_attn.out_proj", b.o),
                         ("fc1", b.fc1), ("fc2", b.fc2), ("self_attn_layer_norm", b.ln1), ("final_layer_norm", b.ln2)):
                sd[q + n + ".weight"] = m.weight
                if m.bias is not None: sd[q + n + ".bias"] = m.bias
        return sd


def greedy(best, n, blank):
    """Greedy CTC: the best symbol of each of the first n frames, repeats merged, blanks dropped."""
    hyp, prev = [], -1
    for t in range(n):
        v = int(best[t])
        if v != prev and v != blank: hyp.append(v)
        prev = v
    return hyp


def edit(h, r):
    prev = list(range(len(r) + 1))
    for i in range(1, len(h) + 1):
        cur = [i] + [0] * len(r)
        for j in range(1, len(r) + 1):
            cur[j] = min(cur[j - 1] + 1, prev[j] + 1, prev[j - 1] + (h[i - 1] != r[j - 1]))
        prev = cur
    return prev[-1]


def write_safetensors(path, tensors):
    """float32 safetensors (8-byte header length, JSON header, raw little-endian data), without the safetensors package."""
    header, blobs, off = {}, [], 0
    for k, t in tensors.items():
        b = t.detach().float().cpu().contiguous().numpy().tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b); off += len(b)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h))); f.write(h)
        for b in blobs: f.write(b)


def read_safetensors(path):
    """(header without __metadata__, __metadata__ or None, the data bytes) of a safetensors file."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        head = json.loads(f.read(n))
        data = f.read()
    return {k: v for k, v in head.items() if k != "__metadata__"}, head.get("__metadata__"), data


def tensor(meta, data):
    """One tensor of read_safetensors' output as float32 numpy (F32, F16 or BF16 stored)."""
    s, e = meta["data_offsets"]
    buf = data[s:e]
    if meta["dtype"] == "BF16":
        return (np.frombuffer(buf, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32).reshape(meta["shape"])
    return np.frombuffer(buf, dtype={"F32": np.float32, "F16": np.float16}[meta["dtype"]]).astype(np.float32).reshape(meta["shape"])


def read_tensor(path, name):
    head, _, data = read_safetensors(path)
    return tensor(head[name], data)


def teacher_states(folder):
    """MoonshineStates.java's output: the states as a float16 memmap [frames, 288] and, per clip id, (split, first
    frame, frames)."""
    states = np.memmap(folder + "/states.f16", dtype=np.float16, mode="r").reshape(-1, 288)
    index = {}
    for line in open(folder + "/index.tsv"):
        uid, split, offset, frames = line.rstrip("\n").split("\t")
        index[uid] = (split, int(offset) // (288 * 2), int(frames))
    return states, index


def spelling(text):
    """io.rrs.pretrain.Spelling.symbols: blank 0, a-z 1-26, 0-9 27-36, apostrophe 37 inside words, word break 38."""
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()
    out, pending = [], False
    for i, c in enumerate(plain):
        s = 1 + ord(c) - 97 if "a" <= c <= "z" else 27 + ord(c) - 48 if "0" <= c <= "9" else 37 if c in "'\u2019" else -1
        inside = out and not pending and i + 1 < len(plain) and plain[i + 1].isalnum()
        if s == 37 and not inside: s = -1
        if s < 0:
            if c.isspace() or c in "-/": pending = bool(out)
            continue
        if pending: out.append(38)
        pending = False
        out.append(s)
    return out


def spelled(symbols):
    """The text of Spelling's symbols."""
    return "".join(" " if k == 38 else "'" if k == 37 else chr(96 + k) if k <= 26 else str(k - 27) for k in symbols)
