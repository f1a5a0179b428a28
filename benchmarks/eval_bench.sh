#!/usr/bin/env bash
# Times `rrs eval` end to end on random-weight models over the built spoken dataset (data/rrs):
# base and "aligned" (another seed) answer every selected test query in the three conditions.
#   benchmarks/eval_bench.sh [tiny|small] [LIMIT] [MAX_NEW_TOKENS] [BATCH] [THREADS]
# defaults: tiny, 0 (= all 524 test utterances), 32, 8, 1. Prints report.json's throughput.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SIZE="${1:-tiny}" LIMIT="${2:-0}" TOKENS="${3:-32}" BATCH="${4:-8}" THREADS="${5:-1}"
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"
mvn -q -B -o -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/eval-bench.classpath -Dmdep.includeScope=runtime >&2
CP="benchmarks/target/classes:native/target/classes:java/target/classes:$(cat benchmarks/target/eval-bench.classpath)"
W="$ROOT/benchmarks/target/eval-bench-$SIZE"
java -cp "$CP" io.rrs.bench.EvalBenchFixture "$W/base" "$SIZE" data/tokenizer/tokenizer.json 1 >/dev/null
java -cp "$CP" io.rrs.bench.EvalBenchFixture "$W/aligned" "$SIZE" data/tokenizer/tokenizer.json 2 >/dev/null
rm -rf "$W/out"
START=$(date +%s.%N)
java -Drrs.root="$ROOT" -cp "$CP" io.rrs.cli.Rrs eval --model "$W/base" --aligned "$W/aligned" --limit "$LIMIT" \
    --max-new-tokens "$TOKENS" --batch-size "$BATCH" --out "$W/out" --no-progress >/dev/null
END=$(date +%s.%N)
python3 - "$W/out/report.json" "$START" "$END" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
for m, t in r["throughput"].items():
    print("%-8s %5d queries %6d tokens %7.1f s  %6.2f queries/s  %7.1f tokens/s" % (m, t["queries"], t["tokens"], t["seconds"], t["queries_per_s"], t["tokens_per_s"]))
print("whole command (both models, loading, PCA probe, plots, report): %.1f s" % (float(sys.argv[3]) - float(sys.argv[2])))
PYEOF
