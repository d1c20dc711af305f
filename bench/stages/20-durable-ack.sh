# keys: durable_ack_p50_ms durable_ack_p99_ms durable_ack_failed durable_ack_db_p50_ms durable_ack_db_p99_ms durable_ack_db_mean_batch
# Durable chat ack against PostgreSQL at 2,000 msg/s (anchors.md: p99 <= 10 ms). Two figures:
#  - durable_ack_*     end to end: the QRing server (jar) on a throwaway PostgreSQL, 100 visitor sessions, the official
#                      socket.io-client sending chat.send over websockets (bench/durable-ack-client.mjs) and timing
#                      each ack, which the server sends only after the commit;
#  - durable_ack_db_*  service level: ChatService + group commit alone (no network), DurableAckBench.
# Full run: 10 s of warm-up at the same rate (JIT; a production server is warm), then 15 s measured. Quick: 1 + 3 s.
set -euo pipefail
: "${ROOT:?}"
source "$ROOT/scripts/throwaway-postgres.sh"
OUT_DIR="${BENCH_OUT:-/tmp}/durable-ack"; mkdir -p "$OUT_DIR"
JAR="$ROOT/backend/app/target/qring-app.jar"
RATE="${BENCH_ACK_RATE:-2000}"
if [ "${BENCH_QUICK:-0}" = 1 ]; then SECS=3; WARM=1; else SECS=15; WARM=10; fi
if [ ! -f "$JAR" ]; then
  echo "durable-ack: building the app" >&2
  (cd "$ROOT" && mvn -B -q -f backend/pom.xml -pl app -am -DskipTests install) >"$OUT_DIR/build.log" 2>&1
fi
SERVER_PID=""
cleanup() { [ -z "$SERVER_PID" ] || { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; } || true; throwaway_pg_stop; }
trap cleanup EXIT
# Durable means fsync'ed: PostgreSQL's data and WAL on a real disk (BENCH_PG_DIR=/dev/shm to leave the disk out).
BENCH_PG_DIR="${BENCH_PG_DIR:-/var/tmp}" throwaway_pg_start

# 1. End to end through the server. 127.0.0.1 is a trusted proxy so each bench visitor has an address of its own
#    for the per-address ring limit; sessions stay open far longer than the run.
HTTP_PORT="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
QRING_HTTP_PORT=$HTTP_PORT QRING_BIND_ADDRESS=127.0.0.1 QRING_DATABASE_URL="$PG_URL" QRING_TRUSTED_PROXIES=127.0.0.1 \
  QRING_RING_TIMEOUT=1h QRING_LOG_LEVEL=WARN \
  taskset -c "${BENCH_SERVER_CPU:-0}" "$JAVA_HOME/bin/java" -Xms256m -Xlog:gc:file="$OUT_DIR/gc.log" -jar "$JAR" >"$OUT_DIR/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done
QRING_BASE_URL="http://127.0.0.1:$HTTP_PORT" RATE=$RATE SECONDS=$SECS WARMUP=$WARM SESSIONS=100 \
  taskset -c "${BENCH_GEN_CPUS:-0}" node "$ROOT/bench/durable-ack-client.mjs" 2>"$OUT_DIR/client.log" | tee "$OUT_DIR/client.txt"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

# 2. Service level on the same PostgreSQL (fresh schema in a database of its own).
"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE servicebench" >&2
CP="$ROOT/backend/app/target/qring-app.jar"   # the app jar carries the domain module and its dependencies
"$JAVA_HOME/bin/java" -cp "$CP" dev.qring.domain.chat.DurableAckBench --url "postgresql://postgres@127.0.0.1:$PG_PORT/servicebench" \
  --rate "$RATE" --seconds "$SECS" --warmup "$WARM" 2>"$OUT_DIR/service.log" \
  | tee "$OUT_DIR/service.txt" | sed -n 's/^durable_ack_\(p50_ms\|p99_ms\|mean_batch\)=/durable_ack_db_\1=/p'
