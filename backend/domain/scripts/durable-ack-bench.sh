#!/usr/bin/env bash
# Durable-ack latency of chat sends against a throwaway PostgreSQL (service level: ChatService, group commit; no
# network, no Socket.IO). The end-to-end figure through the server is bench/stages/20-durable-ack.sh.
# Prints key=value lines (durable_ack_p50_ms, durable_ack_p99_ms, ...) on stdout; logs go to stderr.
#   backend/domain/scripts/durable-ack-bench.sh [--rate 2000] [--seconds 10] [--warmup 2] [--sessions 100]
# Env: JAVA_HOME (JDK 25), DOMAIN_CP (classpath of qring-domain + runtime deps; computed with Maven when absent).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
source "$ROOT/scripts/throwaway-postgres.sh"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [[ -z "${DOMAIN_CP:-}" ]]; then
  mvn -B -q -f "$ROOT/backend/pom.xml" -pl domain compile dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$ROOT/backend/domain/target/runtime-cp.txt" >&2
  DOMAIN_CP="$ROOT/backend/domain/target/classes:$(cat "$ROOT/backend/domain/target/runtime-cp.txt")"
fi

trap throwaway_pg_stop EXIT
BENCH_PG_DIR="${BENCH_PG_DIR:-/var/tmp}" throwaway_pg_start   # durable: on a real disk
"$JAVA" -cp "$DOMAIN_CP" dev.qring.domain.chat.DurableAckBench --url "$PG_URL" "$@"
