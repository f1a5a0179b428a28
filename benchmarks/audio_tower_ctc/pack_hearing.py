"""Packs DumpFeatures' output of the many-voice corpus small enough to travel to a GPU machine (64 MiB with the
repository): each 80-bin log-mel frame as its first K principal components (fitted on a sample of the pretrain split's
frames), rounded to STEP and stored int8, component-major, xz; the index; and the model's word-piece table
(embed_tokens) as int8 rows with one scale each. hear_probe.py rebuilds the frames as mu + q * STEP @ basis.

usage: python3 pack_hearing.py DUMP_DIR MODEL_DIR OUT_DIR [K=24] [STEP=0.12]
"""
import json, lzma, os, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tower_mirror import log_mel, read_tensor  # noqa: E402

dump, model, out = sys.argv[1:4]
K = int(sys.argv[4]) if len(sys.argv) > 4 else 24
STEP = float(sys.argv[5]) if len(sys.argv) > 5 else 0.12
os.makedirs(out, exist_ok=True)


raw = np.memmap(os.path.join(dump, "feats.u8"), dtype=np.uint8, mode="r").reshape(-1, 80)
rows = [l.rstrip("\n").split("\t") for l in open(os.path.join(dump, "index.tsv"))]
pre = [r for r in rows if r[1] == "PRETRAIN"] or rows
rng = np.random.default_rng(0)
sample = np.concatenate([log_mel(raw[int(r[3]) // 80:int(r[3]) // 80 + int(r[4])]) for r in rng.choice(np.array(pre, dtype=object), 1500, replace=False)])
mu = sample.mean(0)
w, v = np.linalg.eigh(np.cov((sample - mu).T))
basis = v[:, ::-1][:, :K].astype(np.float32)  # [80, K]
print(f"{len(rows)} clips, {len(raw)} frames; K={K} keeps {w[::-1][:K].sum() / w.sum():.4f} of the variance", flush=True)

codes = np.empty((K, len(raw)), dtype=np.int8)
err, chunk = 0.0, 200_000
for s in range(0, len(raw), chunk):
    m = log_mel(raw[s:s + chunk])
    q = np.clip(np.round((m - mu) @ basis / STEP), -127, 127)
    codes[:, s:s + chunk] = q.T.astype(np.int8)
    err += float((((q * STEP) @ basis.T + mu - m) ** 2).sum())
print(f"reconstruction rms error {np.sqrt(err / raw.size):.4f} (log-mel units)", flush=True)
with lzma.open(os.path.join(out, "feats.pca.xz"), "wb", preset=int(os.environ.get("XZ_PRESET", "6"))) as f:  # 0 for a local run
    f.write(codes.tobytes())
with lzma.open(os.path.join(out, "index.tsv.xz"), "wt") as f:
    f.writelines("\t".join(r) + "\n" for r in rows)
table = read_tensor(os.path.join(model, "model.safetensors"), "language_model.model.embed_tokens.weight")
scale = np.abs(table).max(1, keepdims=True) / 127
np.savez(os.path.join(out, "basis.npz"), mu=mu, basis=basis, step=np.float32(STEP), frames=np.int64(len(raw)),
         table=np.round(table / scale).astype(np.int8), table_scale=scale.astype(np.float32),
         blank=np.int64(json.load(open(os.path.join(model, "tokenizer.json")))["model"]["vocab"].get("[PAD]", 0)))  # a tokenizer without [PAD]: blank 0, for a run without --pieces
for f in sorted(os.listdir(out)):
    print(f, os.path.getsize(os.path.join(out, f)))
