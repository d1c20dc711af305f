# A throwaway PostgreSQL for benchmark scripts (sourced, not run): its own data dir, a free loopback port, fsync and
# synchronous_commit on (durability as in production), stopped by pid. Tests use the Java twin, testkit's PostgresProcess.
#   source scripts/throwaway-postgres.sh; throwaway_pg_start; trap throwaway_pg_stop EXIT
#   → PG_PORT, PG_PID, PG_URL (postgresql://postgres@127.0.0.1:$PG_PORT/bench, database created)
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
PG_DIR=""; PG_PID=""; PG_PORT=""; PG_URL=""

throwaway_pg_start() {
  [ -x "$PG_BIN/initdb" ] || { echo "throwaway-postgres: no initdb under /usr/lib/postgresql/*/bin" >&2; return 1; }
  # /dev/shm by default (fast start, no disk noise; fsync costs nothing there): BENCH_PG_DIR=/var/tmp for a real disk.
  local base="${BENCH_PG_DIR:-/tmp}"; [ -n "${BENCH_PG_DIR:-}" ] || { [ -w /dev/shm ] && base=/dev/shm; }
  PG_DIR="$(mktemp -d "$base/qring-benchpg-XXXXXX")"
  chmod 755 "$PG_DIR"; mkdir "$PG_DIR/data"; chown -R postgres:postgres "$PG_DIR"; chmod 700 "$PG_DIR/data"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >&2
  PG_PORT="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR/data -c shared_buffers=128MB" start >&2
  PG_PID="$(head -1 "$PG_DIR/data/postmaster.pid")"
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE bench" >&2
  PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/bench"
}

throwaway_pg_stop() {
  if [ -n "$PG_PID" ] && kill -0 "$PG_PID" 2>/dev/null; then
    kill -INT "$PG_PID" 2>/dev/null || true   # fast shutdown
    for _ in $(seq 1 100); do kill -0 "$PG_PID" 2>/dev/null || break; sleep 0.1; done
  fi
  [ -z "$PG_DIR" ] || rm -rf "$PG_DIR"
}
