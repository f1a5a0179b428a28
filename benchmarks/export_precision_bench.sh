#!/usr/bin/env bash
# Export size, guard open time and resident memory, and screen latency per export precision (fp32, fp16, bf16):
# ExportPrecisionBench, each export and each guard in its own JVM. MODEL_DIR is a checkpoint folder; default
# "fixture", the guard benchmarks' random 30 s model. Exports go to benchmarks/target/export-precision/NAME/PRECISION.
#   benchmarks/export_precision_bench.sh [MODEL_DIR|fixture] [CALLS=30]     # e.g. models/demo-base 30
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODEL="${1:-fixture}"
CALLS="${2:-30}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 # the export's parity check runs libtorch; keep it to one core
mvn -q -B -o -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/guard-bench.classpath -Dmdep.includeScope=runtime >&2
CP="benchmarks/target/classes:$(cat benchmarks/target/guard-bench.classpath)"
RUN=(java -Drrs.root="$ROOT" -Drrs.bench.guard="$ROOT/benchmarks/target/guard-bench" -cp "$CP" io.rrs.bench.ExportPrecisionBench)
OUT="benchmarks/target/export-precision/$(basename "$MODEL")"
for p in fp32 fp16 bf16; do
  "${RUN[@]}" export "$MODEL" "$p" "$OUT/$p" 2>/dev/null | grep '^precision='
  "${RUN[@]}" screen "$OUT/$p" "$CALLS" 2>/dev/null | grep '^precision='
done
