#!/bin/bash
# The audio-tower CTC experiment (docs/pretrain.md, "What it cannot do"). Here: dump and pack the features
# into .gpu/ (git-ignored; ~45 MB with xz). Then on a GPU machine (torch, safetensors): bash .gpu/run_on_gpu.sh gpu
set -euo pipefail
if [ "${1:-}" = gpu ]; then
  cd "$(dirname "$0")"; OUT=${OUT:-out}; mkdir -p "$OUT"; B=${2:-330}
  python3 ctc_probe.py A-d64L2-tied 64 2 256 tied 4e-3 60 "$OUT" "$B" > "$OUT/A.log" 2>&1 &
  python3 ctc_probe.py B-d64L2-char 64 2 256 char 4e-3 60 "$OUT" "$B" > "$OUT/B.log" 2>&1 &
  python3 ctc_probe.py C-d128L4-tied 128 4 512 tied 2e-3 60 "$OUT" "$B" > "$OUT/C.log" 2>&1 &
  python3 ctc_probe.py D-d128L4-char 128 4 512 char 2e-3 60 "$OUT" "$B" > "$OUT/D.log" 2>&1 &
  python3 ctc_probe.py E-d64L4-tied 64 4 256 tied 4e-3 60 "$OUT" "$B" > "$OUT/E.log" 2>&1 &
  wait
  AUG=1 python3 ctc_probe.py Baug-d64L2-char 64 2 256 char 4e-3 30 "$OUT" 150 > "$OUT/Baug.log" 2>&1 &
  AUG=1 python3 ctc_probe.py Daug-d128L4-char 128 4 512 char 2e-3 30 "$OUT" 150 > "$OUT/Daug.log" 2>&1 &
  AUG=1 python3 ctc_probe.py Caug-d128L4-tied 128 4 512 tied 2e-3 30 "$OUT" 150 > "$OUT/Caug.log" 2>&1 &
  wait
  grep -h "epoch" "$OUT"/*.log
  exit 0
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd); cd "$ROOT"
MODEL=${1:-models/demo-base}   # whose text embedding the tied head uses (the experiment used stage 1 of the recipe)
./rrs --help >/dev/null 2>&1   # builds the modules and writes the class path when sources changed
CP="$(cat export/target/rrs.classpath):native/target/classes:java/target/classes"
mkdir -p .gpu target/audio_tower_ctc
java -cp "$CP" benchmarks/audio_tower_ctc/DumpFeatures.java "$MODEL" data/rrs target/audio_tower_ctc
xz -6 -T2 -c target/audio_tower_ctc/feats.u8 > .gpu/feats.u8.xz
cp target/audio_tower_ctc/index.tsv .gpu/ && cp "$MODEL/model.safetensors" .gpu/stage1.safetensors
cp benchmarks/audio_tower_ctc/ctc_probe.py benchmarks/audio_tower_ctc/tower_mirror.py "$0" .gpu/
grep -qx '/.gpu/' .git/info/exclude || echo '/.gpu/' >> .git/info/exclude
du -sh .gpu
