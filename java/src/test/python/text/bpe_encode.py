"""Independent reference encoder for byte-level BPE tokenizer.json files (Qwen2 layout).

Scope: a from-scratch reading of the Hugging Face format, used by TextTokenizerReferenceTest
to cross-check the Rust tokenizers library (through DJL) on the project's tokenizer. Pure
standard-library Python, because the `tokenizers` package is not available.

Usage: bpe_encode.py TOKENIZER_JSON TEXTS_JSON [--split-special-tokens]  -> prints a JSON list of id lists.
With --split-special-tokens, special-token strings in a text are encoded as ordinary text (Hugging
Face's split_special_tokens=True); added tokens not marked special still split the text.
"""
import json
import re
import sys
import unicodedata


def byte_to_char():
    direct = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    mapping, extra = {}, 0
    for b in range(256):
        if b in direct:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


# Qwen2's split regex rewritten for Python's `re` (no \p{..}): a letter is [^\W\d_], a number \d.
SPLIT = re.compile(
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)"
    r"|(?:[^\w\r\n]|_)?[^\W\d_]+"
    r"|\d"
    r"| ?(?:[^\w\s]|_)+[\r\n]*"
    r"|\s*[\r\n]+"
    r"|\s+(?!\S)"
    r"|\s+"
)


def bpe(word, ranks):
    parts = list(word)
    while len(parts) > 1:
        best = None
        for i in range(len(parts) - 1):
            r = ranks.get((parts[i], parts[i + 1]))
            if r is not None and (best is None or r < best[0]):
                best = (r, i)
        if best is None:
            break
        a, b = parts[best[1]], parts[best[1] + 1]
        merged, i = [], 0
        while i < len(parts):
            if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                merged.append(a + b)
                i += 2
            else:
                merged.append(parts[i])
                i += 1
        parts = merged
    return parts


def main():
    tok = json.load(open(sys.argv[1], encoding="utf-8"))
    texts = json.load(open(sys.argv[2], encoding="utf-8"))
    model = tok["model"]
    assert model["type"] == "BPE", model["type"]
    vocab = model["vocab"]
    ranks = {}
    for rank, m in enumerate(model["merges"]):
        a, b = m.split(" ") if isinstance(m, str) else m
        ranks[(a, b)] = rank
    split_special = "--split-special-tokens" in sys.argv[3:]
    added = {t["content"]: t["id"] for t in tok["added_tokens"] if not (split_special and t.get("special"))}
    special = re.compile("(" + "|".join(re.escape(s) for s in sorted(added, key=len, reverse=True)) + ")") if added else re.compile("(?!)")
    b2c = byte_to_char()
    out = []
    for text in texts:
        ids = []
        for segment in special.split(text):
            if segment == "":
                continue
            if segment in added:
                ids.append(added[segment])
                continue
            for piece in SPLIT.findall(unicodedata.normalize("NFC", segment)):
                word = "".join(b2c[b] for b in piece.encode("utf-8"))
                ids.extend(vocab[p] for p in bpe(word, ranks))
        out.append(ids)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
