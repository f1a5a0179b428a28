"""The test questions in training voices: separates "unseen sentences" from "unseen voices" in the hearing measurements
(docs/pretrain.md, "Voices, not sentences"). Reads a data folder whose rows are the test questions (e.g. the snapshot
with the test rows marked train, as `rrs reshape prepare` measures class separation on train rows), speaks each row's
text again with one of ten training voices of espeak-ng and MBROLA (in turn, 160 words/min), and writes a data folder
of the same rows pointing at the new clips (16 kHz mono, sox), for `rrs reshape prepare` and DumpFeatures.

usage: python3 speak_in_training_voices.py DATA_DIR OUT_DIR   (needs espeak-ng, the mbrola voices, sox)
"""
import json, os, shutil, subprocess, sys, tempfile

VOICES = ["en-us", "en-us+klatt", "en-us+klatt2", "en-us+klatt3", "en-gb+klatt4", "en-gb-x-rp+m3", "en-us+f3", "mb-us1", "mb-us2", "mb-en1"]

src, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, "wav"), exist_ok=True)
for f in ("SOURCE.md", "benign.json", "harmful.json", "prompts.jsonl"):
    shutil.copy(os.path.join(src, f), out)
rows = [json.loads(l) for l in open(os.path.join(src, "manifest.jsonl"))]
with open(os.path.join(out, "manifest.jsonl"), "w") as manifest, tempfile.TemporaryDirectory() as tmp:
    for i, r in enumerate(rows):
        voice = VOICES[i % len(VOICES)]
        raw, wav = os.path.join(tmp, "raw.wav"), f"wav/{r['prompt_id']}-{voice}-{i}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", raw, r["text"]], check=True, capture_output=True)
        subprocess.run(["sox", raw, "-r", "16000", "-c", "1", "-b", "16", os.path.join(out, wav)], check=True, capture_output=True)
        seconds = float(subprocess.run(["soxi", "-D", os.path.join(out, wav)], capture_output=True, text=True, check=True).stdout)
        engine = "mbrola" if voice.startswith("mb-") else "espeak-ng"
        manifest.write(json.dumps(dict(r, id=f"{r['prompt_id']}-tv{i}", voice=voice, engine=engine, wav=wav, duration_s=seconds, rate=100, pitch=100)) + "\n")
print(f"{len(rows)} clips in {out}")
