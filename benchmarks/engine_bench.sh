#!/usr/bin/env bash
# Issue #6 on the CPU, one model for everything (BenchModel): MODEL_DIR (+ LORA_RUN) is exported once
# to benchmarks/target/engine-bench/<hash>; without arguments the random fixture of guard_bench.sh.
#   1. BenchModel: export, then both engines must give the same refusal probability and greedy tokens;
#   2. GuardStageLatency: per-stage p50/p99 of screen (front-end, prompt, encoder, prefill, total);
#   3. JMH GuardBench: screen vs respond to a refusal's length, screen throughput with 1/2/4 threads;
#   4. JMH EnginePeerBench: libtorch vs ONNX Runtime (prefill, refusal generation, screen), once per
#      thread count, because OpenBLAS reads its thread count from the environment at start-up;
#   5. a summary table with the targets (screen <= 1/4 of respond, ONNX Runtime >= 2x libtorch).
#   benchmarks/engine_bench.sh [MODEL_DIR [LORA_RUN]]
# Environment: JMH_OPTS (e.g. "-f 1 -wi 1 -i 1 -w 1s -r 1s" for a smoke run), STAGE_CALLS (300),
# ENGINE_THREADS ("1 2"). Results: benchmarks/target/engine-bench-results/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:+$(realpath "$1")}" LORA="${2:+$(realpath "$2")}" # resolved before the cd below
[[ -n "$LORA" && -z "$MODEL" ]] && { echo "LORA_RUN needs MODEL_DIR (the base it was trained on)" >&2; exit 2; }
for p in "$ROOT" "$MODEL" "$LORA"; do # JMH splits -jvmArgs at spaces
    [[ "$p" == *" "* ]] && { echo "paths with spaces are not supported: $p" >&2; exit 2; }
done
cd "$ROOT"
read -r -a JMH <<< "${JMH_OPTS:-}"
OUT="$ROOT/benchmarks/target/engine-bench-results"
mkdir -p "$OUT"
rm -f "$OUT"/*.json
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 # the export's parity check and steps 1-3 run one thread
mvn -q -B -o -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/engine-bench.classpath -Dmdep.includeScope=runtime >&2
CP="benchmarks/target/classes:$(cat benchmarks/target/engine-bench.classpath)"
PROPS="-Drrs.root=$ROOT -Drrs.bench.guard=$ROOT/benchmarks/target/guard-bench"
[[ -n "$MODEL" ]] && PROPS+=" -Drrs.bench.model=$MODEL"
[[ -n "$LORA" ]] && PROPS+=" -Drrs.bench.lora=$LORA"

# shellcheck disable=SC2086 # PROPS is a list of -D options
java $PROPS -cp "$CP" io.rrs.bench.BenchModel "$OUT/model.json"
# shellcheck disable=SC2086
java $PROPS -Drrs.bench.json="$OUT/stages.json" -cp "$CP" io.rrs.bench.GuardStageLatency "${STAGE_CALLS:-300}" 1
java -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main 'io\.rrs\.bench\.GuardBench\.' -jvmArgs "$PROPS" \
    -rf json -rff "$OUT/guard.json" "${JMH[@]}"
for t in ${ENGINE_THREADS:-1 2}; do
    OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" java -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main 'EnginePeerBench' \
        -p threads="$t" -jvmArgs "$PROPS" -rf json -rff "$OUT/engine-$t.json" "${JMH[@]}"
done

/usr/bin/python3 - "$OUT" <<'PYEOF'
import glob, json, os, sys
out = sys.argv[1]
model = json.load(open(os.path.join(out, "model.json")))
stages = json.load(open(os.path.join(out, "stages.json")))
def jmh(path):
    rows = {}
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 1)[1]
        key = (name, r.get("params", {}).get("engine"), r.get("params", {}).get("threads"))
        m = r["primaryMetric"]
        rows[key] = (m["score"], m["scoreError"], m.get("scorePercentiles", {}), m["scoreUnit"])
    return rows
def pct(row, p):
    return row[2][p]
guard = jmh(os.path.join(out, "guard.json"))
n = model["refusal_tokens"]
print()
print("=" * 78)
print("model: %s" % model["model"])
print("query: 3 s audio-text, %d prompt tokens; %s" % (model["prompt_tokens"], model["note"]))
if model["respond_tokens"] != n:
    print("NOTE: Guard.respond stopped at <|im_end|> after %d of %d tokens; respondRefusal timed that" % (model["respond_tokens"], n))
print("same model on both engines: refusal probability libtorch %.6g, ONNX Runtime %.6g; greedy tokens %s"
      % (model["p_libtorch"], model["p_onnxruntime"], "equal" if model["same_tokens"] else "DIFFER"))
print()
print("screen per stage (GuardStageLatency, 1 intra-op thread)")
print("  %-34s %10s %10s" % ("stage", "p50 ms", "p99 ms"))
for k, (p50, p99) in stages.items():
    print("  %-34s %10.2f %10.2f" % (k, p50, p99))
print()
s, r = guard[("screenLatency", None, None)], guard[("respondRefusalLatency", None, None)]
ratio = pct(s, "50.0") / pct(r, "50.0")
print("screen vs respond to a refusal (GuardBench, JMH sample mode)")
print("  screen          p50 %8.2f ms  p99 %8.2f ms" % (pct(s, "50.0"), pct(s, "99.0")))
print("  respond %2d tok  p50 %8.2f ms  p99 %8.2f ms" % (n, pct(r, "50.0"), pct(r, "99.0")))
print("  screen / respond p50 = %.3f  (target <= 0.25: %s)" % (ratio, "met" if ratio <= 0.25 else "NOT met"))
print()
print("libtorch vs ONNX Runtime, same checkpoint, same run (EnginePeerBench, p50 / p99 ms)")
print("  %-8s %-16s %20s %20s %8s" % ("threads", "benchmark", "libtorch", "ONNX Runtime", "lt/ort"))
for path in sorted(glob.glob(os.path.join(out, "engine-*.json")), key=lambda p: int(p.rsplit("-", 1)[1][:-5])):
    e = jmh(path)
    for name, label in (("prefill", "prefill"), ("generateRefusal", "generate %d tok" % n), ("screen", "screen (w/ front)")):
        for t in sorted({k[2] for k in e if k[0] == name}, key=int):
            lt, ort = e.get((name, "libtorch", t)), e.get((name, "onnxruntime", t))
            if not lt or not ort:
                continue
            q = pct(lt, "50.0") / pct(ort, "50.0")
            print("  %-8s %-16s %9.2f / %8.2f %9.2f / %8.2f %7.2fx  (target >= 2x: %s)" % (t, label, pct(lt, "50.0"), pct(lt, "99.0"),
                  pct(ort, "50.0"), pct(ort, "99.0"), q, "met" if q >= 2 else "NOT met"))
print()
print("screen throughput, one shared guard (GuardBench)")
for t, name in ((1, "screenThroughput1Thread"), (2, "screenThroughput2Threads"), (4, "screenThroughput4Threads")):
    sc, err, _, unit = guard[(name, None, None)]
    print("  %d calling thread(s): %8.1f +- %.1f %s" % (t, sc, float(err), unit))  # NaN error: one iteration
print("=" * 78)
PYEOF
