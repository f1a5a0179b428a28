#!/usr/bin/env bash
# Real scale on this machine: a slice of Qwen2-Audio-7B-Instruct at its real widths (ScaleSliceFixture: random
# bf16 weights, 2 shards, 1 audio layer, N decoder layers) through reshape prepare -> train -> export -> guard
# screen, each stage in its own process under /usr/bin/time -v (peak resident memory, wall time).
#   benchmarks/scale_bench.sh [DECODER_LAYERS=1] [DTYPE=bfloat16] [ROWS_PER_CLASS=4]
#   TRAIN_OPTS=--activation-checkpointing TAG=ckpt benchmarks/scale_bench.sh 4     (extra train options, results under a tag)
# Writes benchmarks/target/scale-L<N>/ (fixture, run, export) and prints one line per stage plus the ratio of
# each peak to the checkpoint's bf16 bytes. The fixture is kept between runs (delete the folder to redraw it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LAYERS="${1:-1}" DTYPE="${2:-bfloat16}" ROWS="${3:-4}"
THREADS="${THREADS:-2}"
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"
OUT="$ROOT/benchmarks/target/scale-L$LAYERS"
NAME="$DTYPE${TAG:+-$TAG}"
FIX="$OUT/model" RUN="$OUT/run-$NAME" EXP="$OUT/export-$NAME"
mkdir -p "$OUT"
./rrs --help >/dev/null  # builds the modules if needed
mvn -q -o -B -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/scale-bench.classpath -Dmdep.includeScope=runtime >&2
CP="benchmarks/target/classes:$(cat benchmarks/target/scale-bench.classpath)"
java -cp "$CP" io.rrs.bench.ScaleSliceFixture "$FIX" "$LAYERS" 1
BYTES=$(du -cb "$FIX"/*.safetensors | tail -1 | cut -f1)

stage() {  # name, command...
  local name="$1"; shift
  local log="$OUT/$name-$NAME.time"
  /usr/bin/time -v "$@" >"$OUT/$name-$NAME.out" 2>"$log" || { tail -20 "$log"; echo "$name failed (see $OUT/$name-$NAME.out)"; exit 1; }
  local rss wall
  rss=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
  python3 -c "import sys; r=int(sys.argv[2])*1024; b=int(sys.argv[3]); print('%-8s peak RSS %6.2f GB = %.2fx bf16 bytes (budget 1.3x + 2 GB = %.2f GB), wall %s' % (sys.argv[1], r/1e9, r/b, (1.3*b+2e9)/1e9, sys.argv[4]))" \
      "$name" "$rss" "$BYTES" "$wall" | tee -a "$OUT/summary-$NAME.txt"
}

rm -rf "$RUN" "$EXP" "$OUT/summary-$NAME.txt"
echo "slice: $LAYERS decoder + 1 audio layer, $(python3 -c "print('%.2f GB' % ($BYTES/1e9))") bf16, compute $DTYPE, $ROWS rows per class, $THREADS threads, train options: ${TRAIN_OPTS:-none}" | tee "$OUT/summary-$NAME.txt"
stage prepare ./rrs reshape prepare --model "$FIX" --data data/demo --run "$RUN" --limit "$ROWS" --batch-size 2 --dtype "$DTYPE"
stage train ./rrs reshape train --run "$RUN" --epochs 1 --batch-size 2 --accumulation 1 --dtype "$DTYPE" ${TRAIN_OPTS:-}
stage export ./rrs export "$FIX" --lora "$RUN" --out "$EXP" ${EXPORT_OPTS:-}
stage screen ./rrs guard screen --model "$EXP" --text "How do I bake bread at home?"
du -sh "$EXP" | tee -a "$OUT/summary-$NAME.txt"
