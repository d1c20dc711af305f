// Shared set-up for the call scripts: a homeowner with two signed-in devices (phone, laptop) and a dashboard, a
// visitor session accepted and joined by all, and helpers to make SDP / candidates and collect relayed events.
import { api, signup, createDoor, visitorSession, connect, ack, waitFor, assert } from '../lib.mjs';

export async function login(email) {
  const r = await api('POST', '/api/v1/auth/login', { body: { email, password: 'correct horse battery' } });
  if (r.status !== 200) throw new Error(`login ${r.status} ${r.text}`);
  return r.json.token;
}

/** Everything connected, the session active and joined by the visitor and both homeowner devices. */
export async function activeSession() {
  const owner = await signup('caller-owner');
  const laptopToken = await login(owner.email); // a second device = a second bearer token
  const door = await createDoor(owner.token, 'Front door');
  const { session, visitorToken } = await visitorSession(door.qrSlug, 'Pat');
  const dash = await connect('/realtime/dashboard', { token: owner.token });
  const visitor = await connect('/realtime/signaling', { visitorToken });
  const phone = await connect('/realtime/signaling', { token: owner.token });
  const laptop = await connect('/realtime/signaling', { token: laptopToken });
  for (const [name, s] of [['visitor', visitor], ['phone', phone], ['laptop', laptop]]) {
    const j = await ack(s, 'session.join', { sessionId: session.id });
    assert(j.ok, `${name} join ${JSON.stringify(j)}`);
  }
  const acc = await ack(phone, 'session.accept', { sessionId: session.id });
  assert(acc.ok && acc.session.status === 'active', 'session accept ' + JSON.stringify(acc));
  await waitFor(visitor, 'session.updated', (u) => u.session.status === 'active');
  return { owner, laptopToken, door, session, visitorToken, dash, visitor, phone, laptop };
}

export const sdp = (tag) => `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\na=x-test:${tag}\r\n`;

export const candidate = (i) => ({
  candidate: `candidate:${i} 1 udp 2122260223 192.0.2.${i} 5${String(i).padStart(4, '0')} typ host generation 0`,
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'abcd',
});

/** The rtc.* events a socket received, in arrival order, as compact strings ("offer:tag", "candidate:3", ...). */
export function rtcLog(socket) {
  return socket.__events
    .filter((e) => e.event.startsWith('rtc.'))
    .map(({ event, args }) => {
      const p = args[0];
      if (event === 'rtc.candidate') return `candidate:${p.candidate.candidate === '' ? 'end' : p.candidate.candidate.split(' ')[0].slice(10)}`;
      const tag = /a=x-test:([^\r\n]*)/.exec(p.sdp)?.[1];
      return `${event.slice(4)}:${tag}${p.iceRestart ? ':restart' : ''}`;
    });
}
