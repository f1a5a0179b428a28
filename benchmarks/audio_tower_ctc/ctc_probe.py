"""Experiment only (not product): how fast does an audio tower of a given size learn to transcribe the
training clips with CTC, with (a) the token head tied to the frozen stage-1 text embedding (blank =
<|endoftext|>) or (b) a free character head? Mirrors the Java tower (Qwen2-Audio/Whisper encoder:
conv k3 s1, conv k3 s2, learned positions, pre-LN blocks, key mask, avgpool 2, LN, projector).

usage: python3 ctc_explore.py NAME D LAYERS FFN HEAD(tied|char) LR EPOCHS OUTDIR BUDGET_S
"""
import lzma, math, os, sys, time, json
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tower_mirror import Tower, edit, greedy, log_mel, pooled_len, write_safetensors  # noqa: E402

name, D, L, FFN, head, lr, epochs, outdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6]), int(sys.argv[7]), sys.argv[8]
budget = float(sys.argv[9])  # wall seconds: stop training after the epoch that passes it, then evaluate and save
here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)
dev = "cuda"
BLANK = 2042
CHARS = "abcdefghijklmnopqrstuvwxyz '"

raw = np.frombuffer(lzma.open(os.path.join(here, "feats.u8.xz")).read(), dtype=np.uint8)
clips = []
for line in open(os.path.join(here, "index.tsv")):
    uid, split, label, off, kept, valid, ids, text = line.rstrip("\n").split("\t")[:8]
    off, kept, valid = int(off), int(kept), int(valid)
    mel = torch.from_numpy(log_mel(raw[off:off + kept * 80].reshape(kept, 80)))
    tok = [int(x) for x in ids.split(",")]
    ch = [CHARS.index(c) + 1 if c in CHARS else len(CHARS) + 1 for c in text.lower().strip()]
    clips.append(dict(split=split, mel=mel.to(dev), valid=valid, kept=kept, tok=tok, ch=ch, text=text, label=label))
train = [c for c in clips if c["split"] == "TRAIN"]
test = [c for c in clips if c["split"] == "TEST"]
E = load_file(os.path.join(here, "stage1.safetensors"))["language_model.model.embed_tokens.weight"].to(dev)
H = E.shape[1]


tower = Tower(D, L, FFN, 4, H).to(dev)
char_head = nn.Linear(H, len(CHARS) + 2).to(dev) if head == "char" else None
params = list(tower.parameters()) + (list(char_head.parameters()) if char_head is not None else [])
opt = torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.01)


AUG = os.environ.get("AUG") == "1"


def batch_logp(batch, train_mode=False):
    T = max(c["kept"] for c in batch)
    x = torch.stack([torch.cat([c["mel"], c["mel"][-1:].expand(T - c["kept"], 80)]) for c in batch]).permute(0, 2, 1)
    if AUG and train_mode:  # SpecAugment: 2 frequency masks (<= 12 bins), 4 time masks (<= 15 frames), to the clip's mean
        x = x.clone()
        for j, c in enumerate(batch):
            for _ in range(2):
                w = int(rng.integers(0, 13)); f0 = int(rng.integers(0, 80 - w)); x[j, f0:f0 + w, :] = x[j].mean()
            for _ in range(4):
                w = int(rng.integers(0, 16)); t0_ = int(rng.integers(0, max(1, c["valid"] - w))); x[j, :, t0_:t0_ + w] = x[j].mean()
    out = tower(x, [c["valid"] for c in batch])
    logits = out @ E.t() if char_head is None else char_head(out)
    lens = torch.tensor([pooled_len(c["valid"]) for c in batch])
    return F.log_softmax(logits, -1).transpose(0, 1), lens  # [T, B, V]


def targets(c): return c["tok"] if char_head is None else c["ch"]
blank = BLANK if char_head is None else 0


def error(cs, show=0):
    errs = refs = 0
    with torch.no_grad():
        for i in range(0, len(cs), 64):
            b = cs[i:i + 64]
            lp, lens = batch_logp(b)
            arg = lp.argmax(-1).cpu().numpy()
            for j, c in enumerate(b):
                hyp = greedy(arg[:, j], int(lens[j]), blank)
                r = targets(c)
                errs += edit(hyp, r); refs += len(r)
                if i == 0 and j < show:
                    print("   ", c["text"], "->", "".join(CHARS[k - 1] if 0 < k <= len(CHARS) else "?" for k in hyp) if char_head is not None else hyp[:12], flush=True)
    return errs / refs


rng = np.random.default_rng(0)
bs = 16
steps_per_epoch = (len(train) + bs - 1) // bs
total = steps_per_epoch * epochs
step = 0
t0 = time.time()
log = {"name": name, "D": D, "L": L, "FFN": FFN, "head": head, "lr": lr, "params": sum(p.numel() for p in tower.parameters()), "curve": []}
for ep in range(epochs):
    order = rng.permutation(len(train))
    batches = []
    for w in range(0, len(order), bs * 16):
        part = sorted(order[w:w + bs * 16], key=lambda i: train[i]["kept"])
        batches += [part[b:b + bs] for b in range(0, len(part), bs)]
    rng.shuffle(batches)
    tot = 0
    for bi in batches:
        step += 1
        warm = max(1, round(0.03 * total))
        cur = lr * step / warm if step <= warm else lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (step - warm) / (total - warm))))
        for g in opt.param_groups: g["lr"] = cur
        b = [train[i] for i in bi]
        lp, lens = batch_logp(b, True)
        tg = [targets(c) for c in b]
        loss = F.ctc_loss(lp, torch.tensor(sum(tg, []), device=dev), lens, torch.tensor([len(t) for t in tg]), blank=blank, reduction="mean", zero_infinity=True)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        tot += loss.item()
    last = ep + 1 == epochs or time.time() - t0 > budget
    if (ep + 1) in (1, 2, 5, 10, 15, 20, 30, 40, 60, 80, 100, 150, 200) or last:
        tr, te = error(train[:400]), error(test, show=3 if last else 0)
        log["curve"].append(dict(epoch=ep + 1, loss=tot / len(batches), train_err=tr, test_err=te, seconds=time.time() - t0))
        print(f"{name} epoch {ep + 1} loss {tot / len(batches):.3f} err train {tr:.3f} test {te:.3f} ({time.time() - t0:.0f} s)", flush=True)
    if last:
        break

print("CURVE", json.dumps(log), flush=True)
if char_head is None:
    write_safetensors(os.path.join(outdir, name + ".safetensors"), tower.java_layout())
