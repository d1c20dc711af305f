#!/usr/bin/env bash
# ./qring bench [--quick] — side-by-side benchmark: QRing's Socket.IO server vs Node's socket.io 4.8, same handlers
# (bench/node-server.mjs, backend/bench/.../BenchServer.java), same Java load generator, same CPU budget.
# Ends with exactly one line `RESULT key=value ...`. Full run ≈ 3–5 min, --quick < 1 min once built.
#
# Phases (servers pinned to one core, the generator to the other, both servers held to the same rules):
#   throughput  closed loop, every client keeps BENCH_WINDOW messages in flight → delivered msg/s at saturation
#   latency     open loop at each BENCH_RATE msg/s (intended send time in the payload) → p50/p99 delivery latency
#               (both phases: node and qring run side by side, driven in BENCH_ROUNDS alternating windows; the
#               throughput figure is the median window, p50/p99 the median of the windows' percentiles; pooled
#               percentiles over all windows are reported as p99_pooled_ms_*)
#   idle        one fresh server at a time; RSS (after a full GC) before/after BENCH_CONNECTIONS idle joined websockets
#
# Extra stages: every executable-or-not bench/stages/*.sh is run with bash after the core phases. A stage declares
# its keys in a header line `# keys: k1 k2 ...` and prints `key=value` lines on stdout; they are merged into RESULT.
# A stage that fails, times out (BENCH_STAGE_TIMEOUT, default 300 s) or omits a declared key yields `key=n/a`
# and never breaks the run. Stages get: ROOT, JAVA_HOME, BENCH_QUICK (0|1), BENCH_OUT (dir for logs),
# BENCH_SERVER_CPU, BENCH_GEN_CPUS (taskset lists), BENCH_CP (classpath of backend/bench).
#
# Tunables (env): BENCH_ROOMS, BENCH_WINDOW, BENCH_RATE (comma list), BENCH_CONNECTIONS (comma steps), BENCH_ROUNDS,
# BENCH_DURATION (per window), BENCH_WARMUP, BENCH_NICE, BENCH_STAGES=0|1 (skip/run bench/stages; default: run, except with --quick), BENCH_SKIP_BUILD=1, BENCH_JFR=1 (JFR recording of our server's throughput run into BENCH_OUT),
# QRING_BENCH_JAVA_OPTS (our server's JVM flags), BENCH_GEN_JAVA_OPTS, BENCH_ONLY=node|qring.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; source "$ROOT/scripts/lib.sh"

QUICK=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    *) echo "usage: ./qring bench [--quick]" >&2; exit 2 ;;
  esac
done

SUFFIX=""; [ $QUICK = 0 ] || SUFFIX=-quick
OUT="${BENCH_OUT:-$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)$SUFFIX}"
mkdir -p "$OUT"
RESULTS="$OUT/results.txt"; : > "$RESULTS"
say() { echo "[bench +${SECONDS}s] $*" | tee -a "$OUT/bench.log" >&2; }

# ---------------------------------------------------------------- workload (same for both servers)
if [ $QUICK = 1 ]; then
  D_ROUNDS=1; D_WARMUP=3; D_DURATION=3; D_LWARMUP=1; D_LDURATION=2; D_CONNECTIONS=2000; D_RATE=5000; D_IDLE_SETTLE=1
else
  D_ROUNDS=5; D_WARMUP=5; D_DURATION=4; D_LWARMUP=3; D_LDURATION=4; D_CONNECTIONS=10000,20000; D_RATE=5000,20000,40000; D_IDLE_SETTLE=2
fi
ROUNDS="${BENCH_ROUNDS:-$D_ROUNDS}"   # measured windows per server and phase, alternating node/qring (A B B A ...)
ROOMS="${BENCH_ROOMS:-250}"           # 2 clients per room
WINDOW="${BENCH_WINDOW:-16}"          # messages in flight per client in the throughput phase
RATE="${BENCH_RATE:-$D_RATE}"         # offered loads of the latency phase, msg/s over all clients (first = headline)
LATENCY_ROOMS="${BENCH_LATENCY_ROOMS:-500}"
WARMUP="${BENCH_WARMUP:-$D_WARMUP}"; DURATION="${BENCH_DURATION:-$D_DURATION}"
CONNECTIONS="${BENCH_CONNECTIONS:-$D_CONNECTIONS}"
SOURCES="${BENCH_SOURCES:-8}"         # idle connections come from 127.0.0.2..127.0.0.(1+SOURCES)

# Every connection is a file descriptor in the server and in the generator: raise the soft limit to the hard one
# and cap the connection steps below it (this sandbox's hard limit is 20000 and cannot be raised without
# CAP_SYS_RESOURCE, so "20000" becomes the largest round count that fits).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT=$(ulimit -n); [ "$FD_LIMIT" = unlimited ] && FD_LIMIT=1048576
MAX_CONN=$(( (FD_LIMIT - 500) / 500 * 500 ))
CONNECTIONS=$(echo "$CONNECTIONS" | tr ',' '\n' | awk -v m="$MAX_CONN" '{ print ($1 > m ? m : $1) }' | sort -nu | paste -sd,)
CONN_TOP="${CONNECTIONS##*,}"

# ---------------------------------------------------------------- CPU split
# Servers and generator each run in a session of their own (setsid) whose scheduler autogroup gets a raised
# priority (BENCH_NICE, default -20, root only): with autogroups, per-process nice is meaningless against other
# sessions, and on a shared machine other builds would otherwise preempt the pinned processes (latency spikes).
NCPU=$(nproc)
BENCH_NICE="${BENCH_NICE:--20}"
if [ "$NCPU" -ge 2 ]; then
  SERVER_CPU=$((NCPU - 1)); GEN_CPUS="0-$((NCPU - 2))"
  PIN_SERVER=(setsid taskset -c "$SERVER_CPU"); PIN_GEN=(setsid taskset -c "$GEN_CPUS")
else
  SERVER_CPU=0; GEN_CPUS=0; PIN_SERVER=(setsid); PIN_GEN=(setsid)
fi
prioritize() { # pid: raise the priority of the autogroup (session) of that process
  [ "$(id -u)" = 0 ] && [ "$BENCH_NICE" != 0 ] || return 0
  # Only once the process leads its own session: before setsid() runs it still sits in OUR session's autogroup.
  local i sid
  for i in $(seq 1 100); do
    sid=$(awk '{ print $6 }' "/proc/$1/stat" 2>/dev/null) || return 0
    [ "$sid" = "$1" ] && { echo "$BENCH_NICE" >"/proc/$1/autogroup" 2>/dev/null || true; return 0; }
    sleep 0.01
  done
  say "could not raise the priority of pid $1 (not a session leader)"
}

# ---------------------------------------------------------------- process bookkeeping: everything stopped by pid
PIDS=()
stop_pid() {
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() { local p; for p in "${PIDS[@]}"; do stop_pid "$p"; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for p in $(seq "${1:-31000}" 32000); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}
wait_port() { # pid port
  local i
  for i in $(seq 1 300); do
    kill -0 "$1" 2>/dev/null || return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# ---------------------------------------------------------------- build
# Rebuilt only when a source of the bench or of the server modules it runs changed since the last bench build.
STAMP="$ROOT/backend/bench/target/.bench-build-stamp"
stale() {
  [ -f "$STAMP" ] && [ -d "$ROOT/backend/bench/target/lib" ] || return 0
  [ -n "$(find "$ROOT/backend/pom.xml" "$ROOT"/backend/{bench,engineio,socketio,testkit}/{pom.xml,src/main} -newer "$STAMP" -print -quit 2>/dev/null)" ]
}
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ] && stale; then
  say "building backend/bench (and the server modules it needs)"
  touch "$OUT/.build-start"
  "${MVN[@]}" -Dmaven.test.skip=true -pl bench -am install >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
  mv "$OUT/.build-start" "$STAMP"
fi
qring_npm_tools
CP="$ROOT/backend/bench/target/classes:$ROOT/backend/bench/target/lib/*"
QRING_OPTS="${QRING_BENCH_JAVA_OPTS:--XX:+UseSerialGC -Xms64m -Xmx1g -XX:+ExitOnOutOfMemoryError}"
GEN_OPTS="${BENCH_GEN_JAVA_OPTS:--XX:+UseSerialGC -Xms2g -Xmx2g -Xmn1g}"

JAVA_V=$(java -version 2>&1 | head -1); NODE_V=$(node --version)
say "machine: $NCPU cpus ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
say "java: $JAVA_V; node: $NODE_V; server on cpu $SERVER_CPU, generator on cpu $GEN_CPUS, autogroup nice $BENCH_NICE"
LOAD_START=$(cut -d' ' -f1 /proc/loadavg)
say "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews figures; run on a quiet machine)"
say "workload: $ROOMS rooms x2 clients, window $WINDOW, warmup ${WARMUP}s, $ROUNDS round(s) of ${DURATION}s per server; latency at $RATE msg/s over $LATENCY_ROOMS rooms; idle steps $CONNECTIONS from $SOURCES source addresses"
say "our server JVM: $QRING_OPTS; generator JVM: $GEN_OPTS; results in $OUT"

SERVER_PID=""
start_server() { # label port [extra java opts]
  local label="$1" port="$2" extra="${3:-}"
  if [ "$label" = node ]; then
    "${PIN_SERVER[@]}" node --expose-gc "$ROOT/bench/node-server.mjs" "$port" >>"$OUT/server-node.log" 2>&1 &
  else
    # shellcheck disable=SC2086
    "${PIN_SERVER[@]}" java $QRING_OPTS $extra -cp "$CP" dev.qring.bench.BenchServer "$port" >>"$OUT/server-qring.log" 2>&1 &
  fi
  SERVER_PID=$!; PIDS+=("$SERVER_PID"); prioritize "$SERVER_PID"
  if ! wait_port "$SERVER_PID" "$port"; then say "$label server did not start (see $OUT/server-$label.log)"; tail -5 "$OUT/server-$label.log" >&2; return 1; fi
}

run_gen() { # name phases generator-args...: runs the generator, appends its key=value lines to RESULTS
  local name="$1" phases="$2" rc=0; shift 2
  # shellcheck disable=SC2086
  "${PIN_GEN[@]}" java $GEN_OPTS -cp "$CP" dev.qring.bench.LoadGenerator "$@" --phases "$phases" \
    --rooms "$ROOMS" --window "$WINDOW" --rounds "$ROUNDS" --warmup "$WARMUP" --duration "$DURATION" \
    --rate "$RATE" --latency-rooms "$LATENCY_ROOMS" --latency-warmup "${BENCH_LATENCY_WARMUP:-$D_LWARMUP}" \
    --latency-duration "${BENCH_LATENCY_DURATION:-$D_LDURATION}" --connections "$CONNECTIONS" --sources "$SOURCES" --idle-settle "$D_IDLE_SETTLE" \
    >"$OUT/gen-$name.out" 2> >(tee -a "$OUT/bench.log" >&2) &
  local gpid=$!; PIDS+=("$gpid"); prioritize "$gpid"
  wait "$gpid" || rc=$?
  grep -E '^[a-z0-9_]+=' "$OUT/gen-$name.out" >>"$RESULTS" || true
  [ $rc = 0 ] || say "generator $name exited with $rc"
  return 0
}

case "${BENCH_ONLY:-both}" in
  node) LABELS=(node) ;;
  qring) LABELS=(qring) ;;
  *) LABELS=(node qring) ;;
esac

# Throughput and latency: both servers run side by side on the server core (the idle one costs nothing) and the
# generator drives them in alternating windows, so drifting background load hits both alike.
say "== throughput + latency: ${LABELS[*]} side by side, $ROUNDS alternating round(s)"
TARGETS=(); SERVER_PIDS=(); port=31000
for label in "${LABELS[@]}"; do
  port=$(free_port $((port + 1)))
  extra=""; [ "$label" = qring ] && [ "${BENCH_JFR:-0}" = 1 ] && extra="-XX:StartFlightRecording=filename=$OUT/qring-throughput.jfr,settings=profile"
  if start_server "$label" "$port" "$extra"; then TARGETS+=("$label:$port:$SERVER_PID"); SERVER_PIDS+=("$SERVER_PID"); fi
done
if [ ${#TARGETS[@]} -gt 0 ]; then
  run_gen side-by-side throughput,latency --targets "$(IFS=,; echo "${TARGETS[*]}")"
fi
for p in "${SERVER_PIDS[@]}"; do stop_pid "$p"; done

# Idle memory: one fresh server at a time, nothing else listening.
for label in "${LABELS[@]}"; do
  port=$(free_port $((port + 1)))
  say "== $label: idle connections $CONNECTIONS (fresh server, port $port)"
  if start_server "$label" "$port"; then
    run_gen "idle-$label" idle --label "$label" --port "$port" --server-pid "$SERVER_PID"
  fi
  stop_pid "$SERVER_PID"
done

# ---------------------------------------------------------------- extra stages (bench/stages/*.sh)
# --quick keeps to its minute: stages (PostgreSQL, Chromium, coturn start-ups) only with BENCH_STAGES=1.
STAGE_KEYS=()
RUN_STAGES="${BENCH_STAGES:-$((1 - QUICK))}"
for stage in "$ROOT"/bench/stages/*.sh; do
  [ -e "$stage" ] || continue
  name=$(basename "$stage" .sh)
  read -r -a keys <<<"$(sed -n 's/^# keys:[[:space:]]*//p' "$stage" | head -1)"
  STAGE_KEYS+=("${keys[@]}")
  if [ "$RUN_STAGES" = 0 ]; then
    say "== stage $name skipped (BENCH_STAGES=1 runs it)"
    for k in "${keys[@]}"; do echo "$k=skipped" >>"$RESULTS"; done
    continue
  fi
  say "== stage $name (keys: ${keys[*]:-none})"
  rc=0
  ROOT="$ROOT" BENCH_QUICK="$QUICK" BENCH_OUT="$OUT" BENCH_SERVER_CPU="$SERVER_CPU" BENCH_GEN_CPUS="$GEN_CPUS" BENCH_CP="$CP" \
    timeout --kill-after=10 "${BENCH_STAGE_TIMEOUT:-300}" bash "$stage" >"$OUT/stage-$name.out" 2>"$OUT/stage-$name.log" || rc=$?
  [ $rc = 0 ] || say "stage $name failed (exit $rc, see $OUT/stage-$name.log)"
  for k in "${keys[@]}"; do
    v=""; [ $rc = 0 ] && v=$(grep -E "^$k=" "$OUT/stage-$name.out" | tail -1 | cut -d= -f2- || true)
    echo "$k=${v:-n/a}" >>"$RESULTS"
  done
done

# ---------------------------------------------------------------- RESULT
get() { local v; v=$(grep -E "^$1=" "$RESULTS" | tail -1 | cut -d= -f2- || true); echo "${v:-n/a}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0 && a != "n/a" && b != "n/a") printf "%.2f", a / b; else print "n/a" }'; }
per_core() { awk -v r="$1" -v c="$2" 'BEGIN { if (r+0 > 0 && c+0 > 0) printf "%.0f", r * 100 / c; else print "n/a" }'; }

T_Q=$(get throughput_msgs_per_s_qring); T_N=$(get throughput_msgs_per_s_node)
PC_Q=$(per_core "$T_Q" "$(get server_cpu_pct_qring)"); PC_N=$(per_core "$T_N" "$(get server_cpu_pct_node)")
CONN_Q=$(get connections_qring); CONN_N=$(get connections_node)
if [ "$CONN_Q" = "$CONN_N" ]; then CONN="$CONN_Q"; else CONN="$CONN_TOP"; fi

# Ordered key=value pairs; to add a core figure, append "key=value" here (stage keys are appended below).
PAIRS=(
  "throughput_msgs_per_s_qring=$T_Q"
  "throughput_msgs_per_s_node=$T_N"
  "throughput_ratio_vs_node=$(ratio "$T_Q" "$T_N")"
  "p50_ms_qring=$(get p50_ms_qring)"
  "p99_ms_qring=$(get p99_ms_qring)"
  "p50_ms_node=$(get p50_ms_node)"
  "p99_ms_node=$(get p99_ms_node)"
  "p99_ratio_vs_node=$(ratio "$(get p99_ms_qring)" "$(get p99_ms_node)")"
  "p99_pooled_ms_qring=$(get p99_pooled_ms_qring)"
  "p99_pooled_ms_node=$(get p99_pooled_ms_node)"
  "offered_load_msgs_per_s=${RATE%%,*}"
  "idle_conn_kb_qring=$(get idle_conn_kb_qring)"
  "idle_conn_kb_node=$(get idle_conn_kb_node)"
  "connections=$CONN"
  "idle_conn_heap_kb_qring=$(get idle_conn_heap_kb_qring)"
  "server_cpu_pct_qring=$(get server_cpu_pct_qring)"
  "server_cpu_pct_node=$(get server_cpu_pct_node)"
  "gen_cpu_pct_qring=$(get gen_cpu_pct_qring)"
  "gen_cpu_pct_node=$(get gen_cpu_pct_node)"
  "throughput_per_core_ratio_vs_node=$(ratio "$PC_Q" "$PC_N")"
  "throughput_rounds_qring=$(get throughput_rounds_qring)"
  "throughput_rounds_node=$(get throughput_rounds_node)"
  "quick=$QUICK"
  "loadavg_start=$LOAD_START"
)
for r in $(echo "$RATE" | tr ',' ' ' | cut -d' ' -f2-); do
  [ "$r" = "${RATE%%,*}" ] && continue
  PAIRS+=("p99_ms_at_${r}_qring=$(get "p99_ms_at_${r}_qring")" "p99_ms_at_${r}_node=$(get "p99_ms_at_${r}_node")")
done
for k in "${STAGE_KEYS[@]}"; do PAIRS+=("$k=$(get "$k")"); done

say "done; raw figures: $RESULTS; logs: $OUT"
echo "RESULT ${PAIRS[*]}"
