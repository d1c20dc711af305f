#!/usr/bin/env bash
# Durable-ack latency of chat sends against a throwaway PostgreSQL 15 (service level: ChatService, group commit).
# Prints key=value lines (durable_ack_p50_ms, durable_ack_p99_ms, ...) on stdout; logs go to stderr.
#   backend/domain/scripts/durable-ack-bench.sh [--rate 2000] [--seconds 10] [--warmup 2] [--sessions 100]
# Env: JAVA_HOME (JDK 25), DOMAIN_CP (classpath of qring-domain + runtime deps; computed with Maven when absent),
#      PG_BIN (default /usr/lib/postgresql/15/bin). PostgreSQL runs as the postgres user on a free loopback port
#      and is stopped by pid on exit.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [[ -z "${DOMAIN_CP:-}" ]]; then
  mvn -B -q -f "$ROOT/backend/pom.xml" -pl domain compile dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$ROOT/backend/domain/target/runtime-cp.txt" >&2
  DOMAIN_CP="$ROOT/backend/domain/target/classes:$(cat "$ROOT/backend/domain/target/runtime-cp.txt")"
fi

DIR="$(mktemp -d /tmp/qring-ackbench-XXXXXX)"
chmod 755 "$DIR"; mkdir "$DIR/data"; chown -R postgres:postgres "$DIR"; chmod 700 "$DIR/data"
PGPID=""
cleanup() {
  if [[ -n "$PGPID" ]] && kill -0 "$PGPID" 2>/dev/null; then
    kill -INT "$PGPID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$DIR"
}
trap cleanup EXIT
runuser -u postgres -- "$PG_BIN/initdb" -D "$DIR/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >&2
PORT="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
# Durability as in production: fsync and synchronous_commit stay on.
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DIR/data" -l "$DIR/pg.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR/data -c shared_buffers=128MB" start >&2
PGPID="$(head -1 "$DIR/data/postmaster.pid")"
psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE ackbench" >&2
"$JAVA" -cp "$DOMAIN_CP" dev.qring.domain.chat.DurableAckBench \
    --url "postgresql://postgres@127.0.0.1:$PORT/ackbench" "$@"
