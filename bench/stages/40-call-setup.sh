# keys: call_setup_median_ms call_setup_p90_ms
# Call setup through a TURN relay: visitor presses Accept -> both browsers `connected` (relay-only, headless
# Chromium with fake camera/mic, coturn + the QRing server on loopback). Target (anchors.md): median <= 600 ms.
# Driver: backend/e2e/src/test/js/call-setup-bench.mjs (playwright-core from the root node_modules).
set -euo pipefail
: "${ROOT:?}"
OUT_DIR="${BENCH_OUT:-/tmp}/call-setup"; mkdir -p "$OUT_DIR"
JAR="$ROOT/backend/app/target/qring-app.jar"
if [ "${BENCH_QUICK:-0}" = 1 ]; then CALLS=3; WARMUP=1; else CALLS=15; WARMUP=2; fi
command -v turnserver >/dev/null && [ -x /usr/bin/chromium ] || { echo "call-setup: coturn or chromium missing" >&2; exit 1; }
if [ ! -f "$JAR" ] || [ "${BENCH_QUICK:-0}" != 1 ]; then
  echo "call-setup: building the app (and the web app)" >&2
  (cd "$ROOT" && mvn -B -q -f backend/pom.xml -pl app -am -DskipTests install) >"$OUT_DIR/build.log" 2>&1
fi

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
TURN_PORT=$(free_port); TLS_PORT=$(free_port); HTTP_PORT=$(free_port)
RELAY_MIN=$(( 40000 + RANDOM % 20000 ))
SECRET="bench-$(date +%s%N)"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$OUT_DIR/key.pem" -out "$OUT_DIR/cert.pem" -days 2 \
  -subj /CN=turn.test -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
SPKI=$(openssl x509 -in "$OUT_DIR/cert.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
cat >"$OUT_DIR/turnserver.conf" <<CONF
listening-ip=127.0.0.1
relay-ip=127.0.0.1
listening-port=$TURN_PORT
tls-listening-port=$TLS_PORT
min-port=$RELAY_MIN
max-port=$(( RELAY_MIN + 60 ))
fingerprint
use-auth-secret
static-auth-secret=$SECRET
realm=turn.test
cert=$OUT_DIR/cert.pem
pkey=$OUT_DIR/key.pem
no-tlsv1
no-tlsv1_1
no-dtls
no-cli
allow-loopback-peers
log-file=stdout
simple-log
CONF
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
turnserver -c "$OUT_DIR/turnserver.conf" >"$OUT_DIR/coturn.log" 2>&1 & PIDS+=($!)
QRING_HTTP_PORT=$HTTP_PORT QRING_BIND_ADDRESS=127.0.0.1 QRING_DATA_DIR="$OUT_DIR/data-$HTTP_PORT" \
  QRING_TURN_URLS="turn:127.0.0.1:$TURN_PORT?transport=udp,turn:127.0.0.1:$TURN_PORT?transport=tcp,turns:127.0.0.1:$TLS_PORT?transport=tcp" \
  QRING_TURN_SECRET="$SECRET" "$JAVA_HOME/bin/java" -jar "$JAR" >"$OUT_DIR/server.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$HTTP_PORT/health/live" >/dev/null 2>&1 && break; sleep 0.2; done
QRING_BASE_URL="http://127.0.0.1:$HTTP_PORT" QRING_SPKI="$SPKI" CALLS=$CALLS WARMUP=$WARMUP \
  node "$ROOT/backend/e2e/src/test/js/call-setup-bench.mjs" 2>&1 | tee "$OUT_DIR/driver.log" | grep -E '^call_setup_[a-z0-9_]+=' || exit 1
