#!/usr/bin/env bash
# Throughput and latency of the example service: builds it, starts it on a free 127.0.0.1 port over
# MODEL_DIR (default runs/demo/guard, written by ./rrs demo) with THREADS workers (default 2), runs
# LoadClient against it with the remaining options, then stops the server.
#   examples/guard-http/bench.sh [MODEL_DIR] [--requests N] [--clients C] [--warmup W] [--data DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MODEL="${1:-runs/demo/guard}"
[ $# -gt 0 ] && shift
[ -f "$MODEL/guard.json" ] || { echo "bench.sh: $MODEL/guard.json not found; run ./rrs demo first or pass an export directory" >&2; exit 2; }
mvn -q -B -DskipTests -pl examples/guard-http -am package dependency:build-classpath \
    -Dmdep.outputFile=target/classpath -Dmdep.includeScope=runtime >&2
CP="examples/guard-http/target/classes:$(cat examples/guard-http/target/classpath)"
LOG="$(mktemp -t guard-http.XXXXXX.log)"
java -cp "$CP" io.rrs.examples.http.GuardHttpMain --model "$MODEL" --port 0 --threads "${THREADS:-2}" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 600); do  # opening verifies every file's SHA-256 and loads the graphs: up to a minute for a 7B export
  grep -q "listening on" "$LOG" && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.1
done
grep "listening on" "$LOG" >&2 || { echo "bench.sh: the server did not start within 60 s" >&2; cat "$LOG" >&2; exit 1; }
URL="$(grep -o 'http://[^ ]*/screen' "$LOG")"
java -cp "$CP" io.rrs.examples.http.LoadClient --url "$URL" "$@"
