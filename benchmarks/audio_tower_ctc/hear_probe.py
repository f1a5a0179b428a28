"""Experiment only (not product): the `hear` stage of `rrs pretrain --recipe knowing-hearing` on the many-voice corpus,
run far longer than the 2-core machine allows, to learn how many epochs the tower needs before it hears held-out
sentences and voices, and which variant gets there. Mirrors the Java stage: the Qwen2-Audio/Whisper tower (conv k3 s1,
conv k3 s2, positions, pre-LN blocks, key mask, avgpool 2, LN, projector), word-piece CTC against the frozen
embed_tokens table (blank [PAD]), the characters' CTC through a 2-slot spelling head (io.rrs.pretrain.Spelling),
SpecAugment as io.rrs.pretrain.SpecAugment, AdamW (0.9, 0.95), weight decay 0.01, clip 1, 3 % warmup, cosine to 0.1.
Differences: features are pack_hearing.py's 24-component rebuild of the log-mel (rms error ~0.06), batches are
length-sorted within windows of 16, and the schedule's length is fitted to a time budget after the first epoch.

usage: python3 hear_probe.py NAME --data .gpu/hear --out OUT [--width 64 --layers 2 --ffn 256] [--pieces 1] [--spell 1]
       [--aug 1] [--lr 4e-3] [--batch 16] [--epochs 60] [--budget 400] [--limit 0] [--device cuda]
       [--teacher STATES --distill W]  (MoonshineStates.java's states of the same clips, distilled beside the CTC)
"""
import argparse, json, lzma, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tower_mirror import sinusoids, Tower, edit, greedy, pooled_len, spelled, spelling, teacher_states, write_safetensors  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("name")
ap.add_argument("--data", default=".gpu/hear")
ap.add_argument("--out", default="out")
ap.add_argument("--width", type=int, default=64)
ap.add_argument("--layers", type=int, default=2)
ap.add_argument("--ffn", type=int, default=256)
ap.add_argument("--heads", type=int, default=4)
ap.add_argument("--pieces", type=float, default=1.0, help="weight of the word-piece CTC (0: off)")
ap.add_argument("--spell", type=float, default=1.0, help="weight of the characters' CTC (0: off)")
ap.add_argument("--positions", default="sinusoids", choices=["learned", "sinusoids"],
                help="the encoder's positions: Whisper's sinusoids, frozen (RandomInit, as Qwen2-Audio), or N(0, 1) and trained")
ap.add_argument("--aug", type=int, default=1)
ap.add_argument("--lr", type=float, default=4e-3)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--epochs", type=int, default=60, help="the most epochs; fewer when the budget ends first")
ap.add_argument("--budget", type=float, default=400, help="training seconds; the schedule is fitted to it after epoch 1")
ap.add_argument("--limit", type=int, default=0, help="keep N clips of each split (a smoke test)")
ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
ap.add_argument("--save", type=int, default=0, help="write the tower, projector and spelling head as safetensors")
ap.add_argument("--teacher", default="", help="MoonshineStates.java's output: a real-speech encoder's states to distil into the tower")
ap.add_argument("--distill", type=float, default=0.0, help="weight of the distillation term: squared error of a linear "
                "map of the tower's output against the teacher's standardised states, interpolated to the tower's frames")
a = ap.parse_args()
torch.manual_seed(0)
torch.set_num_threads(int(os.environ.get("PROBE_THREADS", "2")))
dev = a.device
torch.backends.cuda.matmul.allow_tf32 = True
os.makedirs(a.out, exist_ok=True)
logf = open(os.path.join(a.out, a.name + ".log"), "a")


def log(msg):
    print(msg, flush=True)
    logf.write(msg + "\n"); logf.flush()


# ---- data: the packed corpus
z = np.load(os.path.join(a.data, "basis.npz"))
K, N = z["basis"].shape[1], int(z["frames"])
codes = np.frombuffer(lzma.open(os.path.join(a.data, "feats.pca.xz")).read(), dtype=np.int8).reshape(K, N)
basis = torch.from_numpy(z["basis"] * z["step"]).to(dev)  # [80, K]
mu = torch.from_numpy(z["mu"]).to(dev)
E = torch.from_numpy(z["table"].astype(np.float32) * z["table_scale"]).to(dev)  # [V, H]
BLANK = int(z["blank"])
rows = [l.rstrip("\n").split("\t") for l in lzma.open(os.path.join(a.data, "index.tsv.xz"), "rt")]


by_split = {}
for uid, split, label, off, kept, valid, ids, text, *voice in rows:
    by_split.setdefault(split, []).append(dict(id=uid, start=int(off) // 80, kept=int(kept), valid=int(valid),
                                               tok=[int(x) for x in ids.split(",") if x], ch=spelling(text), text=text, voice=(voice or ["?"])[0]))
rng = np.random.default_rng(0)
if a.limit:
    by_split = {k: [v[i] for i in sorted(rng.choice(len(v), min(a.limit, len(v)), replace=False))] for k, v in by_split.items()}
need = sorted({c["start"] + t for cs in by_split.values() for c in cs for t in range(c["kept"])}) if a.limit else None
with torch.no_grad():
    if need is None:
        frames = torch.empty(N, 80, device=dev)
        for s in range(0, N, 1_000_000):
            frames[s:s + 1_000_000] = torch.from_numpy(codes[:, s:s + 1_000_000].T.astype(np.float32)).to(dev) @ basis.T + mu
    else:  # a smoke test: only the kept clips' frames, re-indexed
        remap = {f: i for i, f in enumerate(need)}
        frames = torch.from_numpy(codes[:, need].T.astype(np.float32)).to(dev) @ basis.T + mu
        for cs in by_split.values():
            for c in cs: c["start"] = remap[c["start"]]
del codes
if a.distill > 0:  # the teacher's states per clip id, 24 ms frames (384 samples), float16
    t_states, t_index = teacher_states(a.teacher)
    sample = np.asarray(t_states[::97], dtype=np.float32)
    t_mean, t_std = torch.from_numpy(sample.mean(0)).to(dev), torch.from_numpy(sample.std(0) + 1e-3).to(dev)
    for cs in by_split.values():
        for c in cs: c["teacher"] = t_index[c["id"]][1:] if c["id"] in t_index else None
train = by_split.get("PRETRAIN", []) + by_split.get("TRAIN", [])
train = [c for c in train if c["tok"] and c["ch"]]
val, test = by_split.get("VALIDATION", []), by_split.get("TEST", [])
log(f"{a.name}: {len(train)} training clips, {len(val)} validation, {len(test)} test; K={K}; device {dev}; {vars(a)}")


H = E.shape[1]
tower = Tower(a.width, a.layers, a.ffn, a.heads, H).to(dev)
spell_head = nn.Linear(H, 2 * 39).to(dev)
distill_head = nn.Linear(H, 288).to(dev)
with torch.no_grad():  # io.rrs.model.RandomInit and TrainingHead: weights N(0, 1/fan_in), biases N(0, 0.1), norms N(1, 0.1)
    for m in tower.modules():
        if isinstance(m, (nn.Linear, nn.Conv1d)):
            m.weight.normal_(0, 1 / math.sqrt(m.weight[0].numel()))
            if m.bias is not None: m.bias.normal_(0, 0.1)
        elif isinstance(m, nn.LayerNorm):
            m.weight.normal_(1, 0.1); m.bias.normal_(0, 0.1)
    spell_head.weight.normal_(0, 1 / math.sqrt(H)); spell_head.bias.zero_()
    if a.positions == "sinusoids":
        tower.pos.copy_(sinusoids(*tower.pos.shape)); tower.pos.requires_grad_(False)
params = [p for p in tower.parameters() if p.requires_grad] + (list(spell_head.parameters()) if a.spell > 0 else []) \
    + (list(distill_head.parameters()) if a.distill > 0 else [])
opt = torch.optim.AdamW(params, lr=a.lr, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.01)


def features(batch, augment):
    """[B, 80, T]: the clips' frames, padded with each bin's quietest value (the silence the encoder pads with); with
    augment, io.rrs.pretrain.SpecAugment: 2 bands of 0-10 bins and 2 spans of 0-min(25, valid/10) frames per clip set
    to the clip's mean over its valid frames. Vectorised over the batch (a loop per clip is launch-bound on a GPU)."""
    B, T = len(batch), max(c["kept"] for c in batch)
    kept = torch.tensor([c["kept"] for c in batch], device=dev)
    t = torch.arange(T, device=dev)
    idx = torch.tensor([c["start"] for c in batch], device=dev)[:, None] + torch.minimum(t[None, :], kept[:, None] - 1)
    x = frames[idx]  # [B, T, 80]
    pad = (t[None, :] >= kept[:, None])[:, :, None]
    quiet = x.masked_fill(pad, float("inf")).min(1, keepdim=True).values
    x = torch.where(pad, quiet, x)
    if augment:
        valid = np.array([min(c["valid"], T) for c in batch])
        vmask = (t[None, :] < torch.tensor(valid, device=dev)[:, None])[:, :, None]
        mean = (x * vmask).sum((1, 2)) / (vmask.sum((1, 2)) * 80)
        hide = torch.zeros(B, T, 80, dtype=torch.bool, device=dev)
        m = torch.arange(80, device=dev)
        for _ in range(2):
            w = rng.integers(0, 11, B); f0 = (rng.random(B) * (80 - w + 1)).astype(int)
            band = (m[None, :] >= torch.tensor(f0, device=dev)[:, None]) & (m[None, :] < torch.tensor(f0 + w, device=dev)[:, None])
            hide |= band[:, None, :] & vmask
        mw = np.minimum(25, valid // 10)
        for _ in range(2):
            w = (rng.random(B) * (mw + 1)).astype(int); t0 = (rng.random(B) * (valid - w + 1)).astype(int)
            span = (t[None, :] >= torch.tensor(t0, device=dev)[:, None]) & (t[None, :] < torch.tensor(t0 + w, device=dev)[:, None])
            hide |= span[:, :, None]
        x = torch.where(hide, mean[:, None, None], x)
    return x.transpose(1, 2)


def teacher_loss(batch, out):
    """Mean squared error, over the clips' valid pooled frames, between distill_head(out) and the teacher's standardised
    states linearly interpolated at each pooled frame's centre (40 ms frames against the teacher's 24 ms)."""
    B, T2, _ = out.shape
    target = torch.zeros(B, T2, 288, device=dev)
    mask = torch.zeros(B, T2, device=dev)
    for i, c in enumerate(batch):
        if c.get("teacher") is None: continue
        start, n = c["teacher"]
        m = min(pooled_len(c["valid"]), T2)
        pos = np.clip((np.arange(m) * 40 + 20) / 24 - 0.5, 0, n - 1)
        lo = np.floor(pos).astype(int); hi = np.minimum(lo + 1, n - 1); w = torch.from_numpy((pos - lo).astype(np.float32))[:, None].to(dev)
        s = torch.from_numpy(np.asarray(t_states[start:start + n], dtype=np.float32)).to(dev)
        target[i, :m] = ((1 - w) * s[lo] + w * s[hi] - t_mean) / t_std
        mask[i, :m] = 1
    err = ((distill_head(out) - target) ** 2).mean(-1)
    return (err * mask).sum() / mask.sum().clamp(min=1)


def forward(batch, augment=False, with_out=False):
    out = tower(features(batch, augment), [c["valid"] for c in batch])  # [B, T2, H]
    lens = torch.tensor([pooled_len(c["valid"]) for c in batch])
    words = F.log_softmax(out @ E.t(), -1).transpose(0, 1) if a.pieces > 0 else None  # [T2, B, V]
    B, T2, _ = out.shape
    chars = F.log_softmax(spell_head(out).view(B, T2 * 2, 39), -1).transpose(0, 1)  # [2 T2, B, 39]
    return (words, chars, lens, out) if with_out else (words, chars, lens)


def ctc(logp, lens, targets, blank):
    return F.ctc_loss(logp, torch.tensor(sum(targets, []), device=logp.device), lens, torch.tensor([len(t) for t in targets]),
                      blank=blank, reduction="mean", zero_infinity=True)


def errors(cs, chars_upto=200, show=0):
    """(word-piece error, character error on the first chars_upto clips): edit distance / reference length, greedy CTC."""
    we = wr = ce = cr = 0
    tower.eval()
    with torch.no_grad():
        for i in range(0, len(cs), 64):
            b = cs[i:i + 64]
            words, chars, lens = forward(b)
            wa, ca = words.argmax(-1).cpu().numpy() if words is not None else None, chars.argmax(-1).cpu().numpy()
            for j, c in enumerate(b):
                if wa is not None:
                    we += edit(greedy(wa[:, j], int(lens[j]), BLANK), c["tok"]); wr += len(c["tok"])
                if i + j < chars_upto:
                    hc = greedy(ca[:, j], 2 * int(lens[j]), 0)
                    ce += edit(hc, c["ch"]); cr += len(c["ch"])
                    if i + j < show:
                        log("    " + c["voice"] + " | " + c["text"] + " -> " + spelled(hc))
    tower.train()
    return (we / wr if wr else None), ce / max(1, cr)


def save():
    sd = tower.java_layout()
    sd.update({"spelling_head.weight": spell_head.weight, "spelling_head.bias": spell_head.bias})
    write_safetensors(os.path.join(a.out, a.name + ".safetensors"), sd)


per_epoch = (len(train) + a.batch - 1) // a.batch
total = per_epoch * a.epochs
step, t0 = 0, time.time()
probe = [train[i] for i in rng.choice(len(train), min(300, len(train)), replace=False)]
checkpoints = {1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 25, 30, 40, 50, 60, 80, 100}
for ep in range(1, a.epochs + 1):
    order = rng.permutation(len(train))
    batches = []
    for w in range(0, len(order), a.batch * 16):
        part = sorted(order[w:w + a.batch * 16], key=lambda i: train[i]["kept"])
        batches += [part[b:b + a.batch] for b in range(0, len(part), a.batch)]
    rng.shuffle(batches)
    sums, t_ep = np.zeros(3), time.time()
    for bi in batches:
        step += 1
        warm = max(1, round(0.03 * total))
        cur = a.lr * step / warm if step <= warm else a.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warm) / max(1, total - warm)))))
        for g in opt.param_groups: g["lr"] = cur
        b = [train[i] for i in bi]
        words, chars, lens, out = forward(b, a.aug == 1, with_out=True)
        lw = ctc(words, lens, [c["tok"] for c in b], BLANK) if a.pieces > 0 else torch.zeros((), device=dev)
        lc = ctc(chars, lens * 2, [c["ch"] for c in b], 0) if a.spell > 0 else torch.zeros((), device=dev)
        ld = teacher_loss(b, out) if a.distill > 0 else torch.zeros((), device=dev)
        loss = a.pieces * lw + a.spell * lc + a.distill * ld
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sums += (lw.item(), lc.item(), ld.item())
    if ep == 1:  # fit the schedule to the budget: as many whole epochs as it holds (at least 2)
        fitted = max(2, min(a.epochs, int(a.budget / (time.time() - t0))))
        total = per_epoch * fitted
        log(f"{a.name}: epoch 1 took {time.time() - t0:.0f} s; schedule fitted to {fitted} epochs")
    last = step >= total
    if ep in checkpoints or last:
        vw, vc = errors(val, chars_upto=500)
        tw, tc = errors(test, chars_upto=600, show=4 if last else 0)
        pw, pc = errors(probe)
        rec = dict(name=a.name, epoch=ep, of=total // per_epoch, loss_pieces=sums[0] / len(batches), loss_spell=sums[1] / len(batches), loss_distill=sums[2] / len(batches),
                   val_tok=vw, val_chr=vc, test_tok=tw, test_chr=tc, train_tok=pw, train_chr=pc, seconds=round(time.time() - t0), epoch_s=round(time.time() - t_ep))
        log("RESULT " + json.dumps(rec))
    if last:
        break
if a.save:
    save()
log(f"{a.name}: done in {time.time() - t0:.0f} s")
