// Shared helpers for the app's end-to-end scripts: HTTP API calls, socket.io-client connections, acks with
// timeouts, event waiting, and a file handshake so the Java test can act (e.g. stop PostgreSQL) mid-script.
import { io } from 'socket.io-client';
import { existsSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

export const base = process.argv[2];
if (!base) throw new Error('usage: node script.mjs <baseUrl> [stepDir]');
export const stepDir = process.argv[3];

export async function api(method, path, { token, body, raw, headers } = {}) {
  const h = { ...(headers ?? {}) };
  if (token) h.authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) { payload = raw; h['content-type'] ??= 'application/json'; }
  else if (body !== undefined) { payload = JSON.stringify(body); h['content-type'] = 'application/json'; }
  const res = await fetch(base + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

export async function signup(name) {
  const email = `${name}-${randomUUID()}@example.com`;
  const r = await api('POST', '/api/v1/auth/signup', { body: { email, password: 'correct horse battery', displayName: name } });
  if (r.status !== 201) throw new Error(`signup ${r.status} ${r.text}`);
  return { token: r.json.token, homeowner: r.json.homeowner, email };
}

export async function createDoor(token, label = 'Front door') {
  const r = await api('POST', '/api/v1/doors', { token, body: { label } });
  if (r.status !== 201) throw new Error(`door ${r.status} ${r.text}`);
  return r.json.door;
}

export async function visitorSession(qrSlug, name = 'Pat', requestId = randomUUID()) {
  const r = await api('POST', '/api/v1/visitor-sessions', { body: { qrSlug, requestId, visitorName: name, purpose: 'parcel' } });
  if (r.status !== 201 && r.status !== 200) throw new Error(`visitor-session ${r.status} ${r.text}`);
  return { ...r.json, requestId };
}

/** Connects; resolves with the socket once connected, rejects with the connect_error message. */
export function connect(ns, auth, opts = {}) {
  return new Promise((resolve, reject) => {
    const s = io(base + ns, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000, ...opts });
    s.__events = [];
    s.onAny((event, ...args) => s.__events.push({ event, args }));
    const t = setTimeout(() => { s.close(); reject(new Error('connect timeout')); }, 8000);
    s.once('connect', () => { clearTimeout(t); resolve(s); });
    s.once('connect_error', (e) => { clearTimeout(t); s.close(); reject(new Error(e.message)); });
  });
}

/** The connect_error message (or 'connected' when it was admitted). */
export async function connectOutcome(ns, auth) {
  try { const s = await connect(ns, auth); s.close(); return 'connected'; } catch (e) { return e.message; }
}

export function ack(socket, event, payload, ms = 8000) {
  return socket.timeout(ms).emitWithAck(event, payload);
}

/** Waits for the next `event` (also one already received since `since`) matching `pred`. */
export function waitFor(socket, event, pred = () => true, ms = 8000, since = 0) {
  const seen = socket.__events.slice(since).find((e) => e.event === event && pred(...e.args));
  if (seen) return Promise.resolve(seen.args[0]);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { socket.off(event, h); reject(new Error(`timeout waiting for ${event}`)); }, ms);
    const h = (...args) => { if (pred(...args)) { clearTimeout(t); socket.off(event, h); resolve(args[0]); } };
    socket.on(event, h);
  });
}

export const events = (socket, name) => socket.__events.filter((e) => e.event === name).map((e) => e.args[0]);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Asks the Java side to act: writes `<stepDir>/<name>.request`, waits until it creates `<stepDir>/<name>.done`. */
export async function step(name, ms = 60000) {
  console.log(`STEP ${name} at ${new Date().toISOString()}`);
  writeFileSync(`${stepDir}/${name}.request`, String(Date.now()));
  const deadline = Date.now() + ms;
  while (!existsSync(`${stepDir}/${name}.done`)) {
    if (Date.now() > deadline) throw new Error(`step ${name} not confirmed`);
    await sleep(50);
  }
}

export function assert(cond, message) { if (!cond) throw new Error('assertion failed: ' + message); }

/** Runs main, prints `RESULT {...}` and exits 0, or `RESULT {"ok":false,"error":...}` and exits 1. */
export async function run(main) {
  const timer = setTimeout(() => { console.log('RESULT ' + JSON.stringify({ ok: false, error: 'script timeout' })); process.exit(1); }, 100000);
  try {
    const out = await main();
    console.log('RESULT ' + JSON.stringify({ ok: true, ...(out ?? {}) }));
    clearTimeout(timer);
    process.exit(0);
  } catch (e) {
    console.log('RESULT ' + JSON.stringify({ ok: false, error: String(e?.stack ?? e) }));
    process.exit(1);
  }
}
