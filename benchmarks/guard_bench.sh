#!/usr/bin/env bash
# Guard benchmarks on the CPU (ONNX Runtime, one intra-op thread per call):
#   1. exports the fixture model once (benchmarks/target/guard-bench; GuardBenchFixture);
#   2. GuardStageLatency: per-stage p50/p99 of screen from the verdicts' timings;
#   3. JMH GuardBench: screen and respond latency (sample mode, p50/p99; respond to a refusal's length and to
#      32 tokens), screen throughput 1/2/4 threads. Any model: benchmarks/engine_bench.sh MODEL_DIR.
#   benchmarks/guard_bench.sh [JMH options...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 # the export's parity check runs libtorch; keep it to one core
mvn -q -B -o -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/guard-bench.classpath -Dmdep.includeScope=runtime >&2
CP="benchmarks/target/classes:$(cat benchmarks/target/guard-bench.classpath)"
java -cp "$CP" io.rrs.bench.GuardStageLatency 300 1
java -Djmh.ignoreLock=true -cp "$CP" org.openjdk.jmh.Main GuardBench -jvmArgs "-Drrs.bench.guard=$ROOT/benchmarks/target/guard-bench -Drrs.root=$ROOT" \
    -rf json -rff benchmarks/target/guard-bench.json "$@"
