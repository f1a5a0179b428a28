#!/usr/bin/env bash
# Model benchmarks, Java (libtorch through JavaCPP) against the independent torch reference, in
# one run on one machine with the same thread count:
#   1. writes the fixture (small Qwen2-Audio checkpoint + a 3 s audio-text query) once;
#   2. JMH ModelForwardBench: prefill forward latency and greedy generation of 32 tokens (KV cache);
#   3. benchmarks/model_reference_timing.py on the same files (Debian's /usr/bin/python3 + torch);
#   4. ModelLoadMemory in a fresh JVM on a ~385 MB checkpoint: resident memory of mapped loading;
#   then prints the Java/torch ratios.
#   benchmarks/model_bench.sh [THREADS]      (default 1; RRS_PYTHON overrides the interpreter)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
THREADS="${1:-1}"
PY="${RRS_PYTHON:-/usr/bin/python3}"
FIXTURE="$ROOT/benchmarks/target/model-bench"
# libtorch's set_num_threads does not bound OpenBLAS's own pool (the JavaCPP build does its
# matrix products there); unbounded, it oversubscribes the cores and a decode step gets ~5x slower
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS"
mvn -q -B -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/model-bench.classpath -Dmdep.includeScope=runtime >&2
CP="benchmarks/target/classes:$(cat benchmarks/target/model-bench.classpath)"
java -cp "$CP" io.rrs.bench.ModelBenchFixture "$FIXTURE"
# other JMH runs on a shared machine hold /tmp/jmh.lock; ours does not need exclusivity to be correct
java -Djmh.ignoreLock=true -Drrs.bench.fixture="$FIXTURE" -cp "$CP" org.openjdk.jmh.Main ModelForwardBench -p threads="$THREADS" \
    -jvmArgs "-Drrs.bench.fixture=$FIXTURE" -rf json -rff benchmarks/target/model-bench.json
REF="$("$PY" benchmarks/model_reference_timing.py "$FIXTURE" "$THREADS" 32)"
echo "torch reference: $REF"
java -cp "$CP" io.rrs.bench.ModelBenchFixture "$FIXTURE-memory" memory
java -cp "$CP" io.rrs.bench.ModelLoadMemory "$FIXTURE-memory"
"$PY" - "$REF" <<'PYEOF'
import json, sys
ref = json.loads(sys.argv[1])
jmh = {r["benchmark"].rsplit(".", 1)[1]: r["primaryMetric"]["score"] for r in json.load(open("benchmarks/target/model-bench.json"))}
fwd, gen = jmh["forward3sAudioText"], jmh["generate32TokensWithCache"]
print("forward 3 s audio-text: java %.2f ms, torch %.2f ms, java/torch %.2f" % (fwd, ref["forward_ms"], fwd / ref["forward_ms"]))
print("greedy tokens/s:        java %.1f, torch %.1f, java/torch %.2f" % (32 / (gen / 1000), ref["tokens_per_s"], (32 / (gen / 1000)) / ref["tokens_per_s"]))
PYEOF
