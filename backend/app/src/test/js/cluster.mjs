// Two QRing instances behind one PostgreSQL and one Redis: a visitor on instance A, the homeowner on instance B.
// Rings, session updates and chat cross instances through the Redis adapter.
import { io } from 'socket.io-client';
import { randomUUID } from 'node:crypto';
import { assert, run, sleep } from './lib.mjs';

const [, , baseA, baseB] = process.argv;

async function api(base, method, path, { token, body } = {}) {
  const h = {};
  if (token) h.authorization = `Bearer ${token}`;
  if (body) h['content-type'] = 'application/json';
  const r = await fetch(base + path, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
  return { status: r.status, json: await r.json().catch(() => null) };
}
function connect(base, ns, auth) {
  return new Promise((resolve, reject) => {
    const s = io(base + ns, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    s.seen = [];
    s.onAny((event, ...args) => s.seen.push({ event, args }));
    s.once('connect', () => resolve(s));
    s.once('connect_error', (e) => reject(new Error(e.message)));
  });
}
async function waitFor(socket, event, pred, ms = 8000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const hit = socket.seen.find((e) => e.event === event && pred(e.args[0]));
    if (hit) return hit.args[0];
    await sleep(20);
  }
  throw new Error(`timeout waiting for ${event}`);
}
const ack = (s, ev, p) => s.timeout(8000).emitWithAck(ev, p);

run(async () => {
  const su = await api(baseA, 'POST', '/api/v1/auth/signup', { body: { email: `c-${randomUUID()}@example.com`, password: 'correct horse battery', displayName: 'C' } });
  const token = su.json.token;
  const door = (await api(baseA, 'POST', '/api/v1/doors', { token, body: { label: 'Cluster door' } })).json.door;

  const dashB = await connect(baseB, '/realtime/dashboard', { token });
  const created = await api(baseA, 'POST', '/api/v1/visitor-sessions', { body: { qrSlug: door.qrSlug, requestId: randomUUID(), visitorName: 'Pat', purpose: '' } });
  assert(created.status === 201, 'session created on A');
  const sessionId = created.json.session.id;
  await waitFor(dashB, 'ring', (r) => r.session.id === sessionId);   // rung on A, heard on B

  const visitorA = await connect(baseA, '/realtime/signaling', { visitorToken: created.json.visitorToken });
  const homeB = await connect(baseB, '/realtime/signaling', { token });
  assert((await ack(visitorA, 'session.join', { sessionId })).ok, 'visitor joins on A');
  const hj = await ack(homeB, 'session.join', { sessionId });
  assert(hj.ok, 'homeowner joins on B');
  // presence is shared: B sees the visitor who is connected to A
  const v = hj.participants.find((p) => p.role === 'visitor');
  assert(v && v.online && v.devices === 1, 'visitor on A is online as seen from B: ' + JSON.stringify(hj.participants));
  await waitFor(visitorA, 'session.presence', (p) => p.participants.some((x) => x.role === 'homeowner' && x.online));
  assert((await ack(homeB, 'session.accept', { sessionId })).ok, 'accept on B');
  await waitFor(visitorA, 'session.updated', (u) => u.session.status === 'active');

  const m1 = await ack(visitorA, 'chat.send', { sessionId, clientId: 'a-1', text: 'from A' });
  assert(m1.ok, 'send on A');
  await waitFor(homeB, 'chat.message', (m) => m.message.clientId === 'a-1');
  const m2 = await ack(homeB, 'chat.send', { sessionId, clientId: 'b-1', text: 'from B' });
  assert(m2.ok && m2.message.seq === 2, 'send on B');
  await waitFor(visitorA, 'chat.message', (m) => m.message.clientId === 'b-1');
  await ack(visitorA, 'chat.typing', { sessionId, typing: true });
  await waitFor(homeB, 'chat.typing', (t) => t.typing === true);

  // the visitor leaves A: B hears it, and the shared view says so
  visitorA.close();
  await waitFor(homeB, 'session.presence', (p) => p.participants.some((x) => x.role === 'visitor' && !x.online));
  await sleep(300);
  const dupes = homeB.seen.filter((e) => e.event === 'chat.message' && e.args[0].message.clientId === 'a-1').length;
  assert(dupes === 1, 'delivered once across instances, got ' + dupes);
  // logout on A disconnects that token's sockets on B at once
  const login = await api(baseA, 'POST', '/api/v1/auth/login', { body: { email: su.json.homeowner.email, password: 'correct horse battery' } });
  const t2 = login.json.token;
  const onB = await connect(baseB, '/realtime/dashboard', { token: t2 });
  const dropped = new Promise((res) => onB.once('disconnect', (reason) => res(reason)));
  assert((await api(baseA, 'POST', '/api/v1/auth/logout', { token: t2 })).status === 204, 'logout on A');
  const reason = await Promise.race([dropped, sleep(5000).then(() => 'still connected')]);
  assert(reason !== 'still connected', 'the revoked token\'s socket on B was disconnected');

  for (const s of [dashB, homeB]) s.close();
  return {};
});
