"""Copies a model folder with its audio tower and projector replaced by a tower an experiment trained (hear_probe.py's
or ctc_probe.py's --save output: float32, the Java layout), so `rrs pretrain transcription-error` and `rrs reshape
prepare` can measure it on the real features. Tensors keep the model's dtype (bf16 is rounded to nearest even);
training-only heads (spelling_head.*) are left out, as a model folder leaves them out.

usage: python3 splice_tower.py MODEL_DIR TOWER.safetensors OUT_DIR
"""
import json, os, shutil, struct, sys
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tower_mirror import read_safetensors, tensor  # noqa: E402


def encode(x, dtype):
    x = np.ascontiguousarray(x, dtype=np.float32)
    if dtype == "BF16":
        u = x.view(np.uint32)
        return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16).tobytes()  # round to nearest even
    return x.astype({"F32": np.float32, "F16": np.float16}[dtype]).tobytes()


model_dir, tower_file, out = sys.argv[1:4]
if os.path.exists(out): sys.exit(f"{out} exists: pass a new folder")
head, meta, data = read_safetensors(os.path.join(model_dir, "model.safetensors"))
theads, _, tdata = read_safetensors(tower_file)
replace = {k: v for k, v in theads.items() if k.startswith(("audio_tower.", "multi_modal_projector."))}
missing = [k for k in head if k.startswith(("audio_tower.", "multi_modal_projector.")) and k not in replace]
if missing: sys.exit(f"{tower_file} lacks {missing[:3]}: a tower of another size or layout")
for k, v in replace.items():
    if k not in head: sys.exit(f"{model_dir} has no {k}: a tower of another size")
    if list(v["shape"]) != list(head[k]["shape"]): sys.exit(f"{k}: shape {v['shape']} in the tower, {head[k]['shape']} in the model")
shutil.copytree(model_dir, out)
names = sorted(head, key=lambda k: head[k]["data_offsets"][0])
new_head, blobs, off = {}, [], 0
for k in names:
    b = encode(tensor(theads[k], tdata), head[k]["dtype"]) if k in replace else data[head[k]["data_offsets"][0]:head[k]["data_offsets"][1]]
    new_head[k] = {"dtype": head[k]["dtype"], "shape": head[k]["shape"], "data_offsets": [off, off + len(b)]}
    blobs.append(b); off += len(b)
if meta is not None: new_head["__metadata__"] = meta
h = json.dumps(new_head).encode()
h += b" " * (-len(h) % 8)
with open(os.path.join(out, "model.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(h))); f.write(h)
    for b in blobs: f.write(b)
print(f"{out}: {len(replace)} tensors of {tower_file} in {model_dir}'s model")
