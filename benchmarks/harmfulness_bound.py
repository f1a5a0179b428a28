#!/usr/bin/env python3
"""How well can harmful vs benign be told apart on the held-out texts by anything learned from the
training texts alone?  A measurement of the dataset, not of a model: a bag-of-words logistic regression
(numpy, full-batch gradient descent) fitted on the train split's texts and scored on the test split's.
The demo base model learns harmfulness only from the same training texts, so this is a rough ceiling
for what it can know about held-out questions (docs/reshape.md, "On the demo model").

usage: benchmarks/harmfulness_bound.py [DATA_DIR]   (default data/rrs; reads prompts.jsonl)
"""
import json, re, sys
from pathlib import Path
import numpy as np

data = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "data/rrs")
rows = [json.loads(line) for line in open(data / "prompts.jsonl")]
words = lambda text: re.findall(r"[a-z']+", text.lower())
train = [r for r in rows if r["split"] == "train"]
test = [r for r in rows if r["split"] == "test"]
vocab = {w: i for i, w in enumerate(sorted({w for r in train for w in words(r["text"])}))}

def features(rs):
    x = np.zeros((len(rs), len(vocab)))
    for i, r in enumerate(rs):
        for w in words(r["text"]):
            if w in vocab:
                x[i, vocab[w]] = 1
    return x

def labels(rs):
    return np.array([r["label"] == "harmful" for r in rs], float)

xtr, ytr, xte, yte = features(train), labels(train), features(test), labels(test)
print(f"{len(train)} training texts ({int(ytr.sum())} harmful), {len(test)} test texts ({int(yte.sum())} harmful), {len(vocab)} words")
print("L2        train acc   test acc   test harmful flagged   test benign flagged")
for l2 in (1e-4, 1e-3, 1e-2):
    w, b = np.zeros(len(vocab)), 0.0
    for _ in range(4000):
        p = 1 / (1 + np.exp(-(xtr @ w + b)))
        w -= xtr.T @ (p - ytr) / len(train) + l2 * w
        b -= (p - ytr).mean()
    flag_tr, flag_te = xtr @ w + b > 0, xte @ w + b > 0
    print(f"{l2:<9g} {(flag_tr == ytr).mean():9.1%}  {(flag_te == yte).mean():9.1%}  {flag_te[yte == 1].mean():20.1%}  {flag_te[yte == 0].mean():20.1%}")
