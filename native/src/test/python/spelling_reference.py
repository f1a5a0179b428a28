#!/usr/bin/python3
"""Independent reference for `rrs pretrain transcription-error --state` (TranscriptionErrorTest): what a pretraining
state's spelling head spells on a batch of clips, and its character error.

The projected frames come from qwen2_audio_reference.py's own audio tower on the state's weights; the head's logits
[frames, 2 * 39] are cut into 2 consecutive slots of 39 symbols per frame (blank 0, a-z 1-26, 0-9 27-36, apostrophe 37,
word break 38); greedy CTC: the best symbol per slot, repeats merged, blanks dropped. The reference spelling of a text
(plain ASCII: lower-cased words of letters, digits and inner apostrophes, one break between words) and the edit
distance are written here again, not taken from the Java side.

usage: spelling_reference.py MODEL_DIR STATE_SAFETENSORS CASE_DIR
  MODEL_DIR holds config.json; STATE_SAFETENSORS is a state step's model.safetensors (tower, projector, spelling_head).
  CASE_DIR holds features.npy [B, n_mels, T], frames.npy [B] (valid feature frames) and texts.json (B texts).
  Prints one JSON line per clip: heard (the decoded characters, a word break as a space), errors, symbols (reference
  length), margin (the smallest gap between a slot's best and second-best logit: how far the decoding is from a tie).
"""
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qwen2_audio_reference import Reference, read_safetensors  # noqa: E402

CHARACTERS = [None] + list("abcdefghijklmnopqrstuvwxyz0123456789'") + [" "]  # index = symbol; 0 is the blank
SLOTS = 2


def spelling(text):
    words = re.findall(r"[a-z0-9]+(?:'[a-z0-9]+)*", text.lower())
    return [CHARACTERS.index(c) for c in " ".join(words)]


def edit_distance(a, b):
    d = [[i + j if i == 0 or j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return d[len(a)][len(b)]


def main():
    model_dir, state, case = sys.argv[1:4]
    ref = Reference(model_dir)
    ref.w = read_safetensors(state)
    feats = torch.from_numpy(np.load(os.path.join(case, "features.npy")).astype(np.float32))
    frames = [int(n) for n in np.load(os.path.join(case, "frames.npy"))]
    with open(os.path.join(case, "texts.json")) as f:
        texts = json.load(f)
    weight, bias = ref.w["spelling_head.weight"], ref.w["spelling_head.bias"]
    with torch.no_grad():
        projected = ref.encode_audio(feats, frames)
        for x, text in zip(projected, texts):
            slots = (x @ weight.T + bias).reshape(x.shape[0] * SLOTS, len(CHARACTERS))
            top = slots.topk(2, dim=1).values
            heard, previous = [], None
            for s in slots.argmax(dim=1).tolist():
                if s != previous and s != 0:
                    heard.append(s)
                previous = s
            said = spelling(text)
            print(json.dumps({"heard": "".join(CHARACTERS[s] for s in heard), "errors": edit_distance(said, heard),
                              "symbols": len(said), "margin": float((top[:, 0] - top[:, 1]).min())}))


if __name__ == "__main__":
    main()
