// End to end with the official socket.io-client: a visitor creates a session from a QR slug, the homeowner's
// dashboard rings, both join, chat both ways (the sender's other device gets its own messages too), the visitor
// disconnects, misses messages, re-joins with afterSeq and receives exactly the missed ones.
import { api, signup, createDoor, visitorSession, connect, ack, waitFor, events, sleep, assert, run } from './lib.mjs';

run(async () => {
  const owner = await signup('owner');
  const door = await createDoor(owner.token, 'Front door');
  assert(door.visitorUrl.endsWith('/d/' + door.qrSlug), 'visitorUrl encodes the slug');

  const pub = await api('GET', `/api/v1/doors/by-qr/${door.qrSlug}`);
  assert(pub.status === 200 && pub.json.door.label === 'Front door' && pub.json.door.active === true, 'public door ' + pub.text);

  const dash = await connect('/realtime/dashboard', { token: owner.token });
  const { session, visitorToken } = await visitorSession(door.qrSlug, 'Pat');
  assert(session.status === 'ringing', 'new session rings');
  assert(visitorToken.startsWith('qv_'), 'visitor token prefix');
  const ring = await waitFor(dash, 'ring', (r) => r.session.id === session.id);
  assert(ring.door.id === door.id && ring.session.visitorName === 'Pat', 'ring carries session and door');

  const visitor = await connect('/realtime/signaling', { visitorToken });
  const phone = await connect('/realtime/signaling', { token: owner.token });
  const laptop = await connect('/realtime/signaling', { token: owner.token });

  const vj = await ack(visitor, 'session.join', { sessionId: session.id });
  assert(vj.ok && vj.session.id === session.id && Array.isArray(vj.messages) && vj.messages.length === 0, 'visitor join ' + JSON.stringify(vj));
  const pj = await ack(phone, 'session.join', { sessionId: session.id });
  assert(pj.ok && Array.isArray(pj.participants), 'phone join ' + JSON.stringify(pj));
  const lj = await ack(laptop, 'session.join', { sessionId: session.id });
  assert(lj.ok, 'laptop join');
  await waitFor(visitor, 'session.presence', (p) => p.participants.some((x) => x.role === 'homeowner' && x.online));

  const acc = await ack(phone, 'session.accept', { sessionId: session.id });
  assert(acc.ok && acc.session.status === 'active', 'accept ' + JSON.stringify(acc));
  await waitFor(visitor, 'session.updated', (u) => u.session.status === 'active');
  await waitFor(dash, 'session.updated', (u) => u.session.id === session.id && u.session.status === 'active');

  // visitor → homeowner
  const s1 = await ack(visitor, 'chat.send', { sessionId: session.id, clientId: 'v-1', text: '  Hello, parcel for you  ' });
  assert(s1.ok && s1.message.seq === 1 && s1.message.body === 'Hello, parcel for you' && s1.message.senderRole === 'visitor', 'send 1 ' + JSON.stringify(s1));
  await waitFor(phone, 'chat.message', (m) => m.message.clientId === 'v-1');
  await waitFor(laptop, 'chat.message', (m) => m.message.clientId === 'v-1');
  // homeowner → visitor, and the sender's other device sees it too
  const s2 = await ack(phone, 'chat.send', { sessionId: session.id, clientId: 'h-1', text: 'Coming!' });
  assert(s2.ok && s2.message.seq === 2 && s2.message.senderRole === 'homeowner', 'send 2');
  await waitFor(visitor, 'chat.message', (m) => m.message.clientId === 'h-1');
  await waitFor(laptop, 'chat.message', (m) => m.message.clientId === 'h-1');
  // retried clientId: the stored message, no duplicate
  const s2b = await ack(phone, 'chat.send', { sessionId: session.id, clientId: 'h-1', text: 'Coming!' });
  assert(s2b.ok && s2b.message.id === s2.message.id && s2b.message.seq === 2, 'retry returns the original');

  // typing goes to the others only
  const t = await ack(visitor, 'chat.typing', { sessionId: session.id, typing: true });
  assert(t.ok, 'typing ack');
  await waitFor(phone, 'chat.typing', (x) => x.typing === true);
  // read marker persisted and broadcast
  const rd = await ack(visitor, 'chat.read', { sessionId: session.id, uptoSeq: 2 });
  assert(rd.ok, 'read ack ' + JSON.stringify(rd));
  await waitFor(phone, 'chat.read', (x) => x.role === 'visitor' && x.uptoSeq === 2);

  // the visitor goes away; the homeowner keeps writing
  visitor.close();
  await waitFor(phone, 'session.presence', (p) => p.participants.some((x) => x.role === 'visitor' && !x.online));
  for (let i = 0; i < 3; i++) {
    const r = await ack(laptop, 'chat.send', { sessionId: session.id, clientId: 'h-missed-' + i, text: 'missed ' + i });
    assert(r.ok && r.message.seq === 3 + i, 'missed send ' + i);
  }
  const back = await connect('/realtime/signaling', { visitorToken });
  const rj = await ack(back, 'session.join', { sessionId: session.id, afterSeq: 2 });
  assert(rj.ok, 'rejoin');
  const seqs = rj.messages.map((m) => m.seq);
  assert(JSON.stringify(seqs) === '[3,4,5]', 'rejoin gets exactly the missed messages, got ' + JSON.stringify(seqs));
  assert(rj.messages.every((m) => m.senderRole === 'homeowner'), 'roles');

  // HTTP replay agrees with the socket history
  const hist = await api('GET', `/api/v1/sessions/${session.id}/messages?afterSeq=0`, { token: visitorToken });
  assert(hist.status === 200 && hist.json.messages.map((m) => m.seq).join() === '1,2,3,4,5', 'history ' + hist.text);

  // the visitor ends the session; everyone sees it
  const end = await ack(back, 'session.end', { sessionId: session.id });
  assert(end.ok && end.session.status === 'ended', 'end');
  await waitFor(phone, 'session.updated', (u) => u.session.status === 'ended');
  const afterEnd = await ack(back, 'chat.send', { sessionId: session.id, clientId: 'v-late', text: 'too late' });
  assert(!afterEnd.ok, 'no chat after end');

  for (const s of [dash, phone, laptop, back]) s.close();
  return { seqs, ringMs: 0 };
});
