// Authorization and input over socket.io: who may connect where, identity only from credentials, a visitor token
// reaches its own session only, dashboards never cross homeowners, invalid events change nothing.
import { api, signup, createDoor, visitorSession, connect, connectOutcome, ack, waitFor, events, sleep, assert, run } from './lib.mjs';

run(async () => {
  const a = await signup('alice');
  const b = await signup('bob');
  const doorA = await createDoor(a.token, 'A door');
  const doorB = await createDoor(b.token, 'B door');

  // --- connect auth -------------------------------------------------------------------------------------
  const refusals = {
    none: await connectOutcome('/realtime/signaling', undefined),
    empty: await connectOutcome('/realtime/signaling', {}),
    garbage: await connectOutcome('/realtime/signaling', { token: 'qh_' + 'x'.repeat(43) }),
    wrongType: await connectOutcome('/realtime/signaling', { token: 42 }),
    extraField: await connectOutcome('/realtime/signaling', { token: a.token, homeownerId: b.homeowner.id }),
    both: await connectOutcome('/realtime/signaling', { token: a.token, visitorToken: 'qv_x' }),
    dashNone: await connectOutcome('/realtime/dashboard', {}),
  };
  for (const [k, v] of Object.entries(refusals)) assert(v === 'unauthorized', `${k} refused with unauthorized, got ${v}`);
  assert(await connectOutcome('/realtime/signaling', { token: a.token }) === 'connected', 'homeowner connects');

  const sa = await visitorSession(doorA.qrSlug, 'Va');
  const sb = await visitorSession(doorB.qrSlug, 'Vb');
  assert(await connectOutcome('/realtime/dashboard', { visitorToken: sa.visitorToken }) === 'unauthorized', 'visitor refused on dashboard');
  assert(await connectOutcome('/realtime/signaling', { visitorToken: sa.visitorToken }) === 'connected', 'visitor connects to signaling');

  // --- dashboards never cross homeowners ------------------------------------------------------------------
  const dashA = await connect('/realtime/dashboard', { token: a.token });
  const dashB = await connect('/realtime/dashboard', { token: b.token });
  const s2 = await visitorSession(doorA.qrSlug, 'Second visitor');
  await waitFor(dashA, 'ring', (r) => r.session.id === s2.session.id);
  await sleep(300);
  assert(!events(dashB, 'ring').some((r) => r.session.id === s2.session.id), 'B never sees A\'s ring');
  assert(events(dashB, 'ring').length === 0, 'B saw no ring at all');

  // --- a visitor token reaches its own session only; forged identity in payloads changes nothing ----------
  const va = await connect('/realtime/signaling', { visitorToken: sa.visitorToken });
  const otherJoin = await ack(va, 'session.join', { sessionId: sb.session.id });
  assert(!otherJoin.ok && ['not_found', 'forbidden'].includes(otherJoin.error.code), 'visitor cannot join another session ' + JSON.stringify(otherJoin));
  const otherSend = await ack(va, 'chat.send', { sessionId: sb.session.id, clientId: 'x1', text: 'hi' });
  assert(!otherSend.ok && ['not_found', 'forbidden'].includes(otherSend.error.code), 'visitor cannot write into another session');
  const forged = await ack(va, 'chat.send', { sessionId: sa.session.id, clientId: 'x2', text: 'hi', senderRole: 'homeowner' });
  assert(!forged.ok && forged.error.code === 'invalid', 'unknown payload fields are invalid ' + JSON.stringify(forged));
  const acceptByVisitor = await ack(va, 'session.accept', { sessionId: sa.session.id });
  assert(!acceptByVisitor.ok && acceptByVisitor.error.code === 'forbidden', 'visitor cannot accept');
  const typingNotJoined = await ack(va, 'chat.typing', { sessionId: sa.session.id, typing: true });
  assert(!typingNotJoined.ok && typingNotJoined.error.code === 'forbidden', 'typing needs a join');

  // homeowner B cannot reach A's session
  const hb = await connect('/realtime/signaling', { token: b.token });
  const bJoin = await ack(hb, 'session.join', { sessionId: sa.session.id });
  assert(!bJoin.ok && ['not_found', 'forbidden'].includes(bJoin.error.code), 'B cannot join A\'s session');
  const bAccept = await ack(hb, 'session.accept', { sessionId: sa.session.id });
  assert(!bAccept.ok && ['not_found', 'forbidden'].includes(bAccept.error.code), 'B cannot accept A\'s session');
  const bSend = await ack(hb, 'chat.send', { sessionId: sa.session.id, clientId: 'b1', text: 'intruder' });
  assert(!bSend.ok, 'B cannot write into A\'s session');

  // --- invalid events: invalid, nothing stored ------------------------------------------------------------
  const j = await ack(va, 'session.join', { sessionId: sa.session.id });
  assert(j.ok, 'own join');
  const bad = [
    ['chat.send', { sessionId: sa.session.id, clientId: 'c1', text: 'x'.repeat(2001) }],
    ['chat.send', { sessionId: sa.session.id, clientId: 'c1b', text: 'x'.repeat(150_000) }],
    ['chat.send', { sessionId: sa.session.id, clientId: 'c'.repeat(101), text: 'x' }],
    ['session.join', { sessionId: sa.session.id, padding: 'p'.repeat(100_000) }],
    ['chat.send', { sessionId: sa.session.id, clientId: 'c2', text: '   ' }],
    ['chat.send', { sessionId: sa.session.id, clientId: 'c3', text: 42 }],
    ['chat.send', { sessionId: sa.session.id, text: 'no client id' }],
    ['chat.send', { sessionId: 'not-a-uuid', clientId: 'c4', text: 'x' }],
    ['chat.send', 'just a string'],
    ['chat.send', [1, 2, 3]],
    ['chat.send', { sessionId: sa.session.id, clientId: 'c5 with spaces', text: 'x' }],
    ['chat.read', { sessionId: sa.session.id, uptoSeq: 'ten' }],
    ['chat.read', { sessionId: sa.session.id, uptoSeq: -1 }],
    ['chat.typing', { sessionId: sa.session.id, typing: 'yes' }],
    ['session.join', { sessionId: sa.session.id, afterSeq: -5 }],
    ['session.join', {}],
    ['no.such.event', { sessionId: sa.session.id }],
  ];
  for (const [ev, payload] of bad) {
    const r = await ack(va, ev, payload);
    assert(r && r.ok === false && r.error.code === 'invalid', `${ev} ${JSON.stringify(payload).slice(0, 60)} → invalid, got ${JSON.stringify(r)}`);
  }
  // a packet above the server's maxPayload closes that one connection; the server and other clients carry on
  const big = await connect('/realtime/signaling', { visitorToken: sa.visitorToken });
  const closed = new Promise((res) => big.once('disconnect', (reason) => res(reason)));
  big.emit('chat.send', { sessionId: sa.session.id, clientId: 'huge', text: 'x'.repeat(600_000) });
  const why = await Promise.race([closed, sleep(5000).then(() => 'still connected')]);
  assert(why !== 'still connected', 'an oversized packet closes the connection');
  const still = await ack(va, 'chat.typing', { sessionId: sa.session.id, typing: false });
  assert(still.ok, 'other clients unaffected');

  const hist = await api('GET', `/api/v1/sessions/${sa.session.id}/messages`, { token: sa.visitorToken });
  assert(hist.status === 200 && hist.json.messages.length === 0, 'nothing was stored ' + hist.text);

  // --- revoked homeowner token: refused at connect, live sockets are dropped -------------------------------
  const login = await api('POST', '/api/v1/auth/login', { body: { email: a.email, password: 'correct horse battery' } });
  const t2 = login.json.token;
  const live = await connect('/realtime/signaling', { token: t2 });
  const dropped = new Promise((res) => live.once('disconnect', (reason) => res(reason)));
  const out = await api('POST', '/api/v1/auth/logout', { token: t2 });
  assert(out.status === 204, 'logout');
  const reason = await Promise.race([dropped, sleep(3000).then(() => 'still connected')]);
  assert(reason !== 'still connected', 'a revoked token\'s socket is disconnected');
  assert(await connectOutcome('/realtime/signaling', { token: t2 }) === 'unauthorized', 'revoked token refused');
  assert(await connectOutcome('/realtime/dashboard', { token: t2 }) === 'unauthorized', 'revoked token refused on dashboard');

  for (const s of [dashA, dashB, va, hb]) s.close();
  return { refusals: Object.keys(refusals).length, invalidEvents: bad.length };
});
