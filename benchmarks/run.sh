#!/usr/bin/env bash
# benchmarks/run.sh — runs JMH over the module class path (no shaded jar, no `mvn install`):
# builds the reactor up to benchmarks, writes the runtime class path, then starts org.openjdk.jmh.Main.
#   benchmarks/run.sh ReshapeLoss            # any JMH arguments: a regex, -p layers=32, -f 1, -prof gc ...
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -q -B -DskipTests -pl benchmarks -am package dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/bench.classpath)" org.openjdk.jmh.Main "$@"
