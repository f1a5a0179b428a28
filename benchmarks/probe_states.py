#!/usr/bin/env python3
"""How well a linear probe tells harmful from benign at the last prompt token of a base model, on held-out questions:
a logistic regression (numpy, standardised features, full-batch gradient descent) fitted on the h0_harmful / h0_benign
states that `rrs reshape prepare` wrote for the training rows, scored (balanced accuracy) on those it wrote for the test
rows (prepared from a copy of the dataset whose manifest marks the test rows `train`, docs/pretrain.md). The
class-mean rule that `rrs reshape prepare` prints is given beside it. A measurement, not a test.

usage: benchmarks/probe_states.py TRAIN_PREPARE_DIR TEST_PREPARE_DIR   (each RUN/prepare, holding representations.safetensors)
"""
import json, struct, sys
from pathlib import Path
import numpy as np

def tensors(folder):
    raw = (Path(folder) / "representations.safetensors").read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype="<f4").reshape(e["shape"]).astype(np.float64)
    return out

def split(folder):
    t = tensors(folder)
    x = np.concatenate([t["h0_harmful"], t["h0_benign"]])
    y = np.concatenate([np.ones(len(t["h0_harmful"])), np.zeros(len(t["h0_benign"]))])
    return x, y

def balanced(flag, y):
    return 0.5 * (flag[y == 1].mean() + (~flag[y == 0]).mean())

def report(xtr, ytr, xte, yte):
    """The class-mean rule and an L2 logistic-regression probe, fitted on (xtr, ytr), scored on both; printed."""
    mu, sd = xtr.mean(0), xtr.std(0) + 1e-8
    ztr, zte = (xtr - mu) / sd, (xte - mu) / sd
    print(f"{len(ytr)} training rows, {len(yte)} test rows, {xtr.shape[1]} features")
    mh, mb = xtr[ytr == 1].mean(0), xtr[ytr == 0].mean(0)
    rule = lambda x: (x - (mh + mb) / 2) @ (mh - mb) > 0
    print(f"class-mean rule (training means): train {balanced(rule(xtr), ytr):.3f}, test {balanced(rule(xte), yte):.3f}")
    th, tb = xte[yte == 1].mean(0), xte[yte == 0].mean(0)
    print(f"class-mean rule on the test rows' own means (what 'rrs reshape prepare' prints): {balanced((xte - (th + tb) / 2) @ (th - tb) > 0, yte):.3f}")
    print("L2        train bal.acc   test bal.acc   test TPR   test FPR")
    w_pos = 0.5 / ytr.mean(); w_neg = 0.5 / (1 - ytr.mean())
    weights = np.where(ytr == 1, w_pos, w_neg)
    for l2 in (1e-3, 1e-2, 1e-1):
        w, b = np.zeros(ztr.shape[1]), 0.0
        for _ in range(3000):
            p = 1 / (1 + np.exp(-(ztr @ w + b)))
            g = weights * (p - ytr)
            w -= 0.5 * (ztr.T @ g / len(ytr) + l2 * w)
            b -= 0.5 * g.mean()
        ftr, fte = ztr @ w + b > 0, zte @ w + b > 0
        print(f"{l2:<9g} {balanced(ftr, ytr):13.3f}  {balanced(fte, yte):13.3f}  {fte[yte == 1].mean():9.3f}  {fte[yte == 0].mean():9.3f}")


if __name__ == "__main__":
    report(*split(sys.argv[1]), *split(sys.argv[2]))
