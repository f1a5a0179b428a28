#!/usr/bin/env bash
# Runs the JMH suites over the module class path (no shaded jar: libtorch alone is hundreds of MB).
#   benchmarks/run.sh                 # every benchmark
#   benchmarks/run.sh KaldiFbank -f 1 # JMH arguments: a regex of benchmarks, then options
# Prints the class path it used to benchmarks/target/bench.classpath, which the side-by-side
# Python scripts in this folder take as an argument.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -q -B -Dstyle.color=never -DskipTests -pl benchmarks -am package \
    dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/bench.classpath")"
echo "$CP" > "$ROOT/benchmarks/target/bench.classpath.full"
exec java -cp "$CP" org.openjdk.jmh.Main "$@"
