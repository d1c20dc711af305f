// Benchmark driver (not a test): durable chat-ack latency end to end, through the running QRing server.
// The official socket.io-client sends `chat.send` over /realtime/signaling (websocket) at a fixed offered rate
// (open loop) and measures until the ack `{ok:true, message}` — which the server sends only after the message is
// committed in the database. Latency is counted from the moment each send was DUE (a late generator is not hidden).
// Half the messages come from the visitors (one socket per session), half from the homeowner (one socket joined to
// every session), so every message is also broadcast to the other party, as in a real conversation.
// Env: QRING_BASE_URL, RATE (msg/s, 2000), SECONDS (10), WARMUP (2), SESSIONS (100). Prints key=value lines;
// exits 1 if any send was not acknowledged as saved.
import { io } from 'socket.io-client';

const BASE = process.env.QRING_BASE_URL || 'http://127.0.0.1:8080';
const RATE = Number(process.env.RATE || 2000);
const SECONDS = Number(process.env.SECONDS || 10);
const WARMUP = Number(process.env.WARMUP || 2);
const SESSIONS = Number(process.env.SESSIONS || 100);
const log = (...a) => console.error('[durable-ack]', ...a);

async function api(method, path, body, { token, forwardedFor } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  // The server's ring limits are per door and per client address; the stage trusts 127.0.0.1 as a proxy so each
  // bench visitor can present an address of its own (see QRING_TRUSTED_PROXIES).
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const res = await fetch(BASE + '/api/v1' + path, { method, headers, body: body && JSON.stringify(body) });
  const json = res.status === 204 ? {} : await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function connect(auth) {
  return new Promise((resolve, reject) => {
    const s = io(BASE + '/realtime/signaling', { auth, transports: ['websocket'], reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

async function setUp() {
  const run = Math.random().toString(36).slice(2, 10);
  const { token } = await api('POST', '/auth/signup',
    { email: `ackbench-${run}@example.com`, password: 'bench password 123', displayName: 'Bench' });
  const home = await connect({ token });
  const sessions = [];
  let door;
  for (let i = 0; i < SESSIONS; i++) {
    if (i % 10 === 0) door = (await api('POST', '/doors', { label: `Bench door ${i / 10}` }, { token })).door;
    const c = await api('POST', '/visitor-sessions',
      { qrSlug: door.qrSlug, requestId: `${run}-${i}`, visitorName: `Visitor ${i}`, purpose: 'bench' },
      { forwardedFor: `10.77.${i >> 8}.${i & 255}` });
    const visitor = await connect({ visitorToken: c.visitorToken });
    const id = c.session.id;
    for (const [who, s] of [['homeowner', home], ['visitor', visitor]]) {
      const ack = await s.emitWithAck('session.join', { sessionId: id });
      if (!ack.ok) throw new Error(`${who} session.join: ${JSON.stringify(ack)}`);
    }
    const acc = await home.emitWithAck('session.accept', { sessionId: id });
    if (!acc.ok) throw new Error(`session.accept: ${JSON.stringify(acc)}`);
    sessions.push({ id, visitor });
  }
  return { run, home, sessions };
}

// Sends RATE msg/s for `seconds`; resolves with sorted latencies (ms) from the due time and from the actual emit.
function phase({ run, home, sessions }, label, seconds) {
  const total = RATE * seconds;
  const fromDue = [], fromEmit = [];
  let done = 0, failed = 0, i = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const finish = () => {
      fromDue.sort((a, b) => a - b); fromEmit.sort((a, b) => a - b);
      resolve({ fromDue, fromEmit, total, failed: failed + (total - done) });
    };
    const deadline = setTimeout(finish, (seconds + 10) * 1000);
    const tick = () => {
      const now = performance.now();
      while (i < total && start + (i * 1000) / RATE <= now) {
        const due = start + (i * 1000) / RATE;
        const s = sessions[i % sessions.length];
        const sender = Math.floor(i / sessions.length) % 2 === 0 ? s.visitor : home;
        const emitted = performance.now();
        sender.timeout(10000).emit('chat.send', { sessionId: s.id, clientId: `${run}-${label}-${i}`, text: `bench message ${i}` },
          (err, ack) => {
            const t = performance.now();
            if (err || !ack?.ok) failed++;
            else { fromDue.push(t - due); fromEmit.push(t - emitted); }
            if (++done === total) { clearTimeout(deadline); finish(); }
          });
        i++;
      }
      if (i < total) setTimeout(tick, 1);
    };
    tick();
  });
}

const pct = (sorted, p) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN;

const ctx = await setUp();
log(`${SESSIONS} sessions ready; warm-up ${WARMUP} s, then ${SECONDS} s at ${RATE} msg/s`);
if (WARMUP > 0) await phase(ctx, 'warmup', WARMUP);
const r = await phase(ctx, 'measure', SECONDS);
const f = (x) => x.toFixed(2);
console.log(`durable_ack_p50_ms=${f(pct(r.fromDue, 50))}`);
console.log(`durable_ack_p99_ms=${f(pct(r.fromDue, 99))}`);
console.log(`durable_ack_p999_ms=${f(pct(r.fromDue, 99.9))}`);
console.log(`durable_ack_max_ms=${f(pct(r.fromDue, 100))}`);
console.log(`durable_ack_emit_p50_ms=${f(pct(r.fromEmit, 50))}`);
console.log(`durable_ack_emit_p99_ms=${f(pct(r.fromEmit, 99))}`);
console.log(`durable_ack_sent=${r.total}`);
console.log(`durable_ack_failed=${r.failed}`);
console.log(`durable_ack_rate=${RATE}`);
ctx.home.close();
for (const s of ctx.sessions) s.visitor.close();
process.exit(r.failed === 0 ? 0 : 1);
