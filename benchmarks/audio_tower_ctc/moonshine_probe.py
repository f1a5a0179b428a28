"""Experiment only (not product): does a recogniser trained on real speech hear our held-out synthesiser engines?
A CTC head over io.rrs.pretrain.Spelling's characters on the frozen states of Moonshine tiny's encoder
(MoonshineStates.java writes them), trained on the clips of the training voices (the pretrain split) and scored by
greedy decoding on the validation voices and the held-out test engines (RHVoice, Pico), per voice. A linear head asks
whether the characters lie in the states as they are; --hidden N adds one GELU layer.

usage: python3 moonshine_probe.py STATES_DIR DATA_DIR [--hidden 0] [--epochs 6] [--lr 3e-3] [--limit 0]
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tower_mirror import edit, greedy, spelled, spelling, teacher_states  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("states")
ap.add_argument("data")
ap.add_argument("--hidden", type=int, default=0)
ap.add_argument("--epochs", type=int, default=6)
ap.add_argument("--lr", type=float, default=3e-3)
ap.add_argument("--batch", type=int, default=32)
ap.add_argument("--limit", type=int, default=0, help="training clips kept (0: all)")
a = ap.parse_args()
torch.manual_seed(0)
torch.set_num_threads(int(os.environ.get("PROBE_THREADS", "2")))
rng = np.random.default_rng(0)

meta = {}
for line in open(os.path.join(a.data, "manifest.jsonl")):
    r = json.loads(line)
    meta[r["id"]] = r
states, index = teacher_states(a.states)
clips = {}
for uid, (split, start, n) in index.items():
    r = meta[uid]
    ch = spelling(r["text"])
    if ch:
        clips.setdefault(split, []).append(dict(id=uid, start=start, n=n, ch=ch, text=r["text"], voice=r["engine"] + ":" + r["voice"]))
train = clips.get("PRETRAIN", []) + clips.get("TRAIN", [])
if a.limit:
    train = [train[i] for i in rng.choice(len(train), min(a.limit, len(train)), replace=False)]
mean = torch.from_numpy(np.asarray(states[:: 50], dtype=np.float32).mean(0))
std = torch.from_numpy(np.asarray(states[:: 50], dtype=np.float32).std(0)) + 1e-3
print(f"{len(train)} training clips, {len(clips.get('VALIDATION', []))} validation, {len(clips.get('TEST', []))} test", flush=True)

head = nn.Linear(288, 39) if a.hidden == 0 else nn.Sequential(nn.Linear(288, a.hidden), nn.GELU(), nn.Linear(a.hidden, 39))
opt = torch.optim.AdamW(head.parameters(), lr=a.lr, weight_decay=0.01)


def batch_of(cs):
    T = max(c["n"] for c in cs)
    x = torch.zeros(len(cs), T, 288)
    for i, c in enumerate(cs):
        x[i, :c["n"]] = torch.from_numpy(np.asarray(states[c["start"]:c["start"] + c["n"]], dtype=np.float32))
    return (x - mean) / std, torch.tensor([c["n"] for c in cs])


def score(cs, show=0):
    per, tot = {}, [0, 0]
    with torch.no_grad():
        for i in range(0, len(cs), 64):
            b = cs[i:i + 64]
            x, n = batch_of(b)
            best = head(x).argmax(-1).numpy()
            for j, c in enumerate(b):
                h = greedy(best[j], int(n[j]), 0)
                e = edit(h, c["ch"])
                p = per.setdefault(c["voice"], [0, 0]); p[0] += e; p[1] += len(c["ch"])
                tot[0] += e; tot[1] += len(c["ch"])
                if i + j < show:
                    print(f"    {c['voice']} | {c['text']} -> {spelled(h)}", flush=True)
    return tot[0] / max(1, tot[1]), {k: round(v[0] / v[1], 3) for k, v in sorted(per.items())}


steps = a.epochs * math.ceil(len(train) / a.batch)
step, t0 = 0, time.time()
for ep in range(1, a.epochs + 1):
    order = rng.permutation(len(train))
    total = 0.0
    for s in range(0, len(order), a.batch):
        step += 1
        for g in opt.param_groups: g["lr"] = a.lr * 0.5 * (1 + math.cos(math.pi * step / steps))
        b = [train[i] for i in order[s:s + a.batch]]
        x, n = batch_of(b)
        logp = F.log_softmax(head(x), -1).transpose(0, 1)
        loss = F.ctc_loss(logp, torch.tensor(sum((c["ch"] for c in b), [])), n, torch.tensor([len(c["ch"]) for c in b]),
                          blank=0, zero_infinity=True)
        opt.zero_grad(); loss.backward(); opt.step()
        total += loss.item()
    val, valv = score(clips.get("VALIDATION", []))
    test, testv = score(clips.get("TEST", []), show=4 if ep == a.epochs else 0)
    tr, _ = score(train[:300])
    print("RESULT " + json.dumps(dict(epoch=ep, loss=round(total / math.ceil(len(train) / a.batch), 3), train_chr=round(tr, 3),
                                      val_chr=round(val, 3), test_chr=round(test, 3), seconds=round(time.time() - t0), val_voices=valv, test_voices=testv)), flush=True)
