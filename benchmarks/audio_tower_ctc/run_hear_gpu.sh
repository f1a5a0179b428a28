#!/bin/bash
# The hear-stage experiment (docs/pretrain.md, "Hearing on a GPU"). Here: dump the many-voice corpus's features and pack
# them into .gpu/hear (git-ignored; ~40 MB), then on the GPU machine: bash benchmarks/audio_tower_ctc/run_hear_gpu.sh gpu
#   here:  benchmarks/audio_tower_ctc/run_hear_gpu.sh MODEL_DIR DATA_DIR   (the knowing model; a many-voice build)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
if [ "${1:-}" = gpu ]; then
  cd "$ROOT"; OUT=${OUT:-out}; B=${2:-330}; mkdir -p "$OUT"
  export PYTHONUNBUFFERED=1
  P="timeout 470 python3 $HERE/hear_probe.py --data .gpu/hear --out $OUT"
  # A: the committed hear stage (d 64 x 2, word pieces + spelling, SpecAugment, lr 2 x 2e-3, batch 16), as long as the budget allows
  $P A-recipe --budget "$B" --save 1 > "$OUT/A.out" 2>&1 &
  # B: the same on the committed 8-epoch schedule (what the CPU run reaches; checks the mirror against it)
  $P B-recipe-8ep --epochs 8 --budget 100000 > "$OUT/B.out" 2>&1 &
  # C: the d 128 x 4 tower
  $P C-d128x4 --width 128 --layers 4 --ffn 512 --budget "$B" --save 1 > "$OUT/C.out" 2>&1 &
  # D: batch 64 at twice the rate (a quarter of the steps an epoch)
  $P D-batch64 --batch 64 --lr 8e-3 --budget "$B" > "$OUT/D.out" 2>&1 &
  # E: no SpecAugment
  $P E-noaug --aug 0 --budget "$B" > "$OUT/E.out" 2>&1 &
  # F: characters alone (no word-piece CTC): do the letters come first when the 30k-way task does not pull on the frames?
  $P F-spell-only --pieces 0 --budget "$B" --save 1 > "$OUT/F.out" 2>&1 &
  # G: characters alone on the d 128 x 4 tower (on the CPU the d 64 x 2 one stops near 0.63 character error)
  $P G-d128x4-spell-only --width 128 --layers 4 --ffn 512 --pieces 0 --budget "$B" > "$OUT/G.out" 2>&1 &
  wait
  grep -h RESULT "$OUT"/*.log | sed 's/^RESULT //' > "$OUT/results.jsonl" || true
  cat "$OUT"/*.log > "$OUT/all.txt"; rm -f "$OUT"/*.log "$OUT"/*.out
  exit 0
fi
MODEL=${1:?MODEL_DIR}; DATA=${2:?DATA_DIR}
cd "$ROOT"
./rrs --help >/dev/null 2>&1   # builds the modules and writes the class path when sources changed
CP="$(cat export/target/rrs.classpath):native/target/classes:java/target/classes"
mkdir -p target/hear_probe
java -cp "$CP" benchmarks/audio_tower_ctc/DumpFeatures.java "$MODEL" "$DATA" target/hear_probe pretrain,train,validation,test
python3 "$HERE/pack_hearing.py" target/hear_probe "$MODEL" .gpu/hear 24 0.12
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || { mkdir -p .git/info; echo '/.gpu/' >> .git/info/exclude; }
du -sh .gpu/hear
