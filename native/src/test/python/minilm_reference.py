#!/usr/bin/python3
"""Independent reference for the teacher sentence encoder (io.rrs.teacher.MiniLmEncoder).

all-MiniLM-L6-v2 as sentence-transformers computes it, written without ONNX Runtime, the tokenizers library,
transformers or sentence-transformers (Debian's python3-torch 1.13 and python3-onnx have none of them):
  - word pieces: BERT's basic tokenizer (clean text, CJK characters split, lower case, accents stripped,
    whitespace and punctuation split) and greedy longest-match WordPiece over tokenizer.json's vocabulary,
    [CLS] ... [SEP], truncated to 256 word pieces;
  - the BERT forward in float64 from the ONNX file's initializers (read with the onnx package): word +
    position + token-type embeddings, LayerNorm (eps 1e-12), 6 layers of 12-head self-attention and an erf
    GELU feed-forward, post-LayerNorm; each text alone, so there is no padding;
  - mean pooling of the last hidden state over the tokens, then L2 normalisation.

usage: minilm_reference.py MODEL.onnx TOKENIZER.json TEXTS.json OUT_DIR [WORD_ID ...]
  TEXTS.json is a JSON list of strings. Writes to OUT_DIR: lengths.npy [N], ids.npy [sum of lengths]
  (every text's ids, concatenated), embeddings.npy [N, 384] (float64), and words.npy [len(WORD_ID), 384]:
  rows of the word-embedding initializer.
"""
import json
import math
import os
import sys
import unicodedata

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F

MAX_WORD_PIECES = 256
LAYERS, HEADS, HIDDEN, EPS = 6, 12, 384, 1e-12


# ---- word pieces ---------------------------------------------------------------------------------
def is_whitespace(c):
    return c in " \t\n\r" or unicodedata.category(c) == "Zs"


def is_control(c):
    return c not in "\t\n\r" and unicodedata.category(c).startswith("C")


def is_punctuation(c):
    cp = ord(c)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(c).startswith("P")


def is_cjk(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF or 0x2A700 <= cp <= 0x2B73F
            or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


def basic_tokens(text):
    out = []
    for c in text:
        if ord(c) == 0 or ord(c) == 0xFFFD or is_control(c):
            continue
        if is_whitespace(c):
            out.append(" ")
        elif is_cjk(ord(c)):
            out.append(" " + c + " ")
        else:
            out.append(c)
    text = "".join(out).lower()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    tokens = []
    for word in text.split():
        current = ""
        for c in word:
            if is_punctuation(c):
                if current:
                    tokens.append(current)
                tokens.append(c)
                current = ""
            else:
                current += c
        if current:
            tokens.append(current)
    return tokens


def word_pieces(token, vocab):
    if len(token) > 100:
        return ["[UNK]"]
    pieces, start = [], 0
    while start < len(token):
        end = len(token)
        while end > start:
            piece = token[start:end] if start == 0 else "##" + token[start:end]
            if piece in vocab:
                break
            end -= 1
        if end == start:
            return ["[UNK]"]
        pieces.append(piece)
        start = end
    return pieces


def tokenize(text, vocab):
    pieces = [p for t in basic_tokens(text) for p in word_pieces(t, vocab)]
    pieces = ["[CLS]"] + pieces[:MAX_WORD_PIECES - 2] + ["[SEP]"]
    return [vocab[p] for p in pieces]


# ---- BERT forward --------------------------------------------------------------------------------
def weights(model_path):
    model = onnx.load(model_path)
    w = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).astype(np.float64)) for t in model.graph.initializer}
    # the exporter named the projection matrices by number; the MatMul node that reads each one names its layer
    for n in model.graph.node:
        if n.op_type == "MatMul" and n.input[1] in w and n.input[1].startswith("onnx::"):
            w[n.name.strip("/").replace("/MatMul", "").replace("/", ".") + ".weight"] = w[n.input[1]]  # [in, out]
    return w


def layer_norm(x, w, name):
    return F.layer_norm(x, (HIDDEN,), w[name + ".weight"], w[name + ".bias"], EPS)


def linear(x, w, name):
    return x @ w[name + ".weight"] + w[name + ".bias"]


def embed(ids, w):
    hd = HIDDEN // HEADS
    ids = torch.tensor(ids)
    n = len(ids)
    x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n] \
        + w["embeddings.token_type_embeddings.weight"][0]
    x = layer_norm(x, w, "embeddings.LayerNorm")
    for i in range(LAYERS):
        p = "encoder.layer.%d." % i
        q = linear(x, w, p + "attention.self.query").view(n, HEADS, hd).transpose(0, 1)
        k = linear(x, w, p + "attention.self.key").view(n, HEADS, hd).transpose(0, 1)
        v = linear(x, w, p + "attention.self.value").view(n, HEADS, hd).transpose(0, 1)
        a = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(hd), dim=-1) @ v
        a = a.transpose(0, 1).reshape(n, HIDDEN)
        x = layer_norm(linear(a, w, p + "attention.output.dense") + x, w, p + "attention.output.LayerNorm")
        h = linear(x, w, p + "intermediate.dense")
        h = 0.5 * h * (1.0 + torch.erf(h / math.sqrt(2.0)))
        x = layer_norm(linear(h, w, p + "output.dense") + x, w, p + "output.LayerNorm")
    pooled = x.mean(dim=0)
    return pooled / max(pooled.norm().item(), 1e-12)


def main():
    model_path, tokenizer_path, texts_path, out_dir = sys.argv[1:5]
    word_ids = [int(a) for a in sys.argv[5:]]
    with open(tokenizer_path, encoding="utf-8") as f:
        vocab = json.load(f)["model"]["vocab"]
    with open(texts_path, encoding="utf-8") as f:
        texts = json.load(f)
    w = weights(model_path)
    ids = [tokenize(t, vocab) for t in texts]
    with torch.no_grad():
        emb = torch.stack([embed(i, w) for i in ids])
    np.save(os.path.join(out_dir, "lengths.npy"), np.array([len(i) for i in ids], dtype=np.int64))
    np.save(os.path.join(out_dir, "ids.npy"), np.array([t for i in ids for t in i], dtype=np.int64))
    np.save(os.path.join(out_dir, "embeddings.npy"), emb.numpy())
    np.save(os.path.join(out_dir, "words.npy"), w["embeddings.word_embeddings.weight"][word_ids].numpy())


if __name__ == "__main__":
    main()
