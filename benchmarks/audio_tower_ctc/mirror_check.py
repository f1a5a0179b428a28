"""Checks tower_mirror.py against the Java hear stage and reads what the spelling head spells: loads a training
state's model.safetensors (tower, projector, word-piece table, spelling_head), runs the mirror on DumpFeatures'
features of one split (uint8: within 0.0063 of the Java log-mel), one clip at a time, and prints the greedy word-piece
error, which `rrs pretrain transcription-error` reports on the same model, and the spelling head's character error.

usage: python3 mirror_check.py STATE_STEP_DIR/model.safetensors DUMP_DIR BLANK_ID [SPLIT=VALIDATION] [LIMIT=0]
       (BLANK_ID -1: the spelling head alone, for a tower trained on characters only)
"""
import os, sys
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tower_mirror import Tower, edit, greedy, log_mel, pooled_len, read_safetensors, spelled, spelling, tensor  # noqa: E402

state, dump, blank = sys.argv[1], sys.argv[2], int(sys.argv[3])
split = sys.argv[4] if len(sys.argv) > 4 else "VALIDATION"
limit = int(sys.argv[5]) if len(sys.argv) > 5 else 0
torch.set_num_threads(1)
head, _, data = read_safetensors(state)
W = {k: torch.from_numpy(tensor(m, data).copy()) for k, m in head.items() if not k.startswith("language_model.") or k.endswith("embed_tokens.weight")}
layers = sum(1 for k in W if k.startswith("audio_tower.") and k.endswith("fc1.weight"))
tower = Tower(W["audio_tower.conv1.weight"].shape[0], layers, W["audio_tower.layers.0.fc1.weight"].shape[0], 4,
              W["multi_modal_projector.linear.weight"].shape[0])
with torch.no_grad():
    for k, p in tower.java_layout().items(): p.copy_(W[k])
E = W["language_model.model.embed_tokens.weight"]
spell_w, spell_b = W.get("spelling_head.weight"), W.get("spelling_head.bias")
raw = np.memmap(os.path.join(dump, "feats.u8"), dtype=np.uint8, mode="r")
rows = [r for r in (l.rstrip("\n").split("\t") for l in open(os.path.join(dump, "index.tsv"))) if r[1] == split]
rows = rows[:limit] if limit else rows
we = wr = ce = cr = 0
with torch.no_grad():
    for i, (uid, _, _, off, kept, valid, ids, text, *_) in enumerate(rows):
        off, kept, valid = int(off), int(kept), int(valid)
        mel = torch.from_numpy(log_mel(raw[off:off + kept * 80].reshape(kept, 80))).T[None]
        n = pooled_len(valid)
        frames = tower(mel, [valid])[0, :n]
        ref = [int(x) for x in ids.split(",") if x]
        if blank >= 0:
            we += edit(greedy((frames @ E.T).argmax(-1), n, blank), ref); wr += len(ref)
        if spell_w is not None:
            hc = greedy((frames @ spell_w.T + spell_b).view(2 * n, -1).argmax(-1), 2 * n, 0)
            sym = spelling(text)
            ce += edit(hc, sym); cr += len(sym)
            if i < 4: print(f"  said:  {text}\n  spelt: {spelled(hc)}")
print(f"{split}: {len(rows)} clips" + (f", word-piece error {we / wr:.3f}" if wr else "") + (f", character error {ce / cr:.3f}" if cr else ""))
