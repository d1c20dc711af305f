// Calls end to end with the official socket.io-client: a visitor calls, both homeowner devices ring (signaling and
// dashboard), they race to accept (exactly one wins), offer/answer/candidates reach the OTHER party only, in order,
// each once; bad SDP/candidates are refused and never relayed; stats move the call to connected; the winning device
// reconnects its signaling, learns the live call from session.join and restarts ICE; the call ends for everyone.
import { connect, ack, waitFor, events, sleep, assert, run } from '../lib.mjs';
import { activeSession, sdp, candidate, rtcLog } from './common.mjs';

run(async () => {
  const { owner, laptopToken, session, dash, visitor, phone, laptop } = await activeSession();

  // --- start: ringing everywhere, idempotent on clientCallId -------------------------------------------------
  const start = await ack(visitor, 'call.start', { sessionId: session.id, clientCallId: 'cc-1', media: 'video' });
  assert(start.ok && start.call.state === 'ringing' && start.call.initiatorRole === 'visitor' && start.call.media === 'video',
    'start ' + JSON.stringify(start));
  assert(Array.isArray(start.iceServers) && typeof start.ttlSeconds === 'number', 'start carries iceServers ' + JSON.stringify(start));
  assert(/^\d{4}-\d\d-\d\dT/.test(start.call.createdAt), 'ISO createdAt ' + start.call.createdAt);
  const callId = start.call.id;
  const again = await ack(visitor, 'call.start', { sessionId: session.id, clientCallId: 'cc-1', media: 'video' });
  assert(again.ok && again.call.id === callId, 'start is idempotent');
  const second = await ack(phone, 'call.start', { sessionId: session.id, clientCallId: 'other', media: 'audio' });
  assert(!second.ok && second.error.code === 'conflict' && second.call.id === callId, 'one live call ' + JSON.stringify(second));
  for (const s of [phone, laptop, visitor]) await waitFor(s, 'call.updated', (u) => u.call.id === callId && u.call.state === 'ringing');
  await waitFor(dash, 'call.updated', (u) => u.call.id === callId && u.call.state === 'ringing');
  assert(events(phone, 'call.updated').filter((u) => u.call.state === 'ringing').length === 1, 'one ring per device, not per retry');

  // --- signaling before anyone answered is out of order ---------------------------------------------------------
  const early = await ack(visitor, 'rtc.offer', { callId, sdp: sdp('early') });
  assert(!early.ok && early.error.code === 'conflict', 'offer before accept ' + JSON.stringify(early));
  const wrongSide = await ack(visitor, 'call.accept', { callId });
  assert(!wrongSide.ok && wrongSide.error.code === 'forbidden', 'the caller cannot accept');

  // --- both devices accept at once: exactly one wins --------------------------------------------------------------
  const [pa, la] = await Promise.all([ack(phone, 'call.accept', { callId }), ack(laptop, 'call.accept', { callId })]);
  const oks = [pa, la].filter((a) => a.ok);
  assert(oks.length === 1, 'exactly one accept wins ' + JSON.stringify([pa, la]));
  const [winner, loser, loserAck] = pa.ok ? [phone, laptop, la] : [laptop, phone, pa];
  assert(loserAck.error.code === 'conflict' && loserAck.call.state === 'accepted', 'the loser learns why ' + JSON.stringify(loserAck));
  assert(oks[0].call.state === 'accepted' && Array.isArray(oks[0].iceServers), 'accept carries iceServers');
  await waitFor(loser, 'call.updated', (u) => u.call.id === callId && u.call.state === 'accepted'); // stops ringing
  await waitFor(dash, 'call.updated', (u) => u.call.id === callId && u.call.state === 'accepted');
  const retry = await ack(winner, 'call.accept', { callId });
  assert(retry.ok && retry.call.state === 'accepted', 'retried accept is a duplicate');

  // --- the relay: fire without awaiting, so ordering is the server's doing ---------------------------------------
  const N = 8;
  const sent = [ack(winner, 'rtc.offer', { callId, sdp: sdp('h1') })];
  for (let i = 1; i <= N; i++) sent.push(ack(winner, 'rtc.candidate', { callId, candidate: candidate(i) }));
  sent.push(ack(winner, 'rtc.candidate', { callId, candidate: { candidate: '', sdpMid: '0', sdpMLineIndex: 0 } }));
  const sentAcks = await Promise.all(sent);
  assert(sentAcks.every((a) => a.ok), 'homeowner signaling acked ' + JSON.stringify(sentAcks));

  const back = [ack(visitor, 'rtc.answer', { callId, sdp: sdp('v1') })];
  for (let i = 101; i <= 100 + N; i++) back.push(ack(visitor, 'rtc.candidate', { callId, candidate: candidate(i) }));
  const backAcks = await Promise.all(back);
  assert(backAcks.every((a) => a.ok), 'visitor signaling acked ' + JSON.stringify(backAcks));

  // --- refused shapes are never relayed ----------------------------------------------------------------------------
  const bad = [
    ['rtc.offer', { callId, sdp: 'hello' }],
    ['rtc.offer', { callId, sdp: 'v=0\r\nthis is not sdp\r\n' }],
    ['rtc.offer', { callId, sdp: sdp('big') + 'a=x:' + 'y'.repeat(100 * 1024) + '\r\n' }],
    ['rtc.offer', { callId }],
    ['rtc.answer', { callId, sdp: 42 }],
    ['rtc.candidate', { callId, candidate: { candidate: 'typ host' } }],
    ['rtc.candidate', { callId, candidate: { candidate: 'candidate:' + 'x'.repeat(1100) } }],
    ['rtc.candidate', { callId, candidate: 'candidate:1 1 udp 1 192.0.2.1 1 typ host' }],
    ['rtc.candidate', { callId, candidate: { candidate: 'candidate:1\r\na=evil' } }],
    ['rtc.candidate', { callId, candidate: { candidate: 'candidate:1', sdpMLineIndex: 'zero' } }],
    ['rtc.candidate', { callId }],
    ['rtc.offer', { callId: 'not-a-uuid', sdp: sdp('x') }],
  ];
  for (const [event, payload] of bad) {
    const r = await ack(visitor, event, payload);
    assert(!r.ok && r.error.code === 'invalid', `${event} ${JSON.stringify(payload).slice(0, 80)} → invalid, got ${JSON.stringify(r)}`);
  }
  const forbidden = await ack(loser, 'rtc.offer', { callId, sdp: sdp('intruder') });
  assert(!forbidden.ok && forbidden.error.code === 'forbidden', 'the other device may not signal ' + JSON.stringify(forbidden));

  // --- stats: connected with its path ----------------------------------------------------------------------------
  const stats = await ack(visitor, 'call.stats', { callId, setupMs: 850, localCandidateType: 'relay', remoteCandidateType: 'srflx',
    protocol: 'udp', relayProtocol: 'tls', rttMs: 48, lossPct: 0.2 });
  assert(stats.ok, 'stats ' + JSON.stringify(stats));
  const connected = await waitFor(loser, 'call.updated', (u) => u.call.state === 'connected');
  assert(connected.call.path === 'relay/tls' && connected.call.setupMs === 850 && connected.call.connectedAt, 'path recorded ' + JSON.stringify(connected));
  const badStats = await ack(visitor, 'call.stats', { callId, setupMs: -1, localCandidateType: 'relay', remoteCandidateType: 'host', protocol: 'udp' });
  assert(!badStats.ok && badStats.error.code === 'invalid', 'bad stats refused');

  await sleep(300); // anything misrouted or duplicated would have arrived by now
  const expectVisitor = ['offer:h1', ...Array.from({ length: N }, (_, i) => `candidate:${i + 1}`), 'candidate:end'];
  const expectWinner = ['answer:v1', ...Array.from({ length: N }, (_, i) => `candidate:${101 + i}`)];
  assert(JSON.stringify(rtcLog(visitor)) === JSON.stringify(expectVisitor), 'visitor got ' + JSON.stringify(rtcLog(visitor)));
  assert(JSON.stringify(rtcLog(winner)) === JSON.stringify(expectWinner), 'winner got ' + JSON.stringify(rtcLog(winner)));
  assert(rtcLog(loser).length === 0, 'the other device got nothing: ' + JSON.stringify(rtcLog(loser)));
  assert(events(dash, 'rtc.offer').length === 0 && events(dash, 'rtc.candidate').length === 0, 'nothing on the dashboard');

  // --- the winning device loses signaling, comes back, learns the live call and restarts ICE ---------------------
  const winnerToken = winner === phone ? owner.token : laptopToken;
  winner.close();
  await sleep(200);
  const again2 = await connect('/realtime/signaling', { token: winnerToken });
  const rj = await ack(again2, 'session.join', { sessionId: session.id });
  assert(rj.ok && rj.activeCall && rj.activeCall.id === callId && rj.activeCall.state === 'connected', 're-join sees the call ' + JSON.stringify(rj.activeCall));
  const restart = await ack(again2, 'rtc.offer', { callId, sdp: sdp('h2'), iceRestart: true });
  assert(restart.ok, 'ICE restart offer ' + JSON.stringify(restart));
  const answer2 = await ack(visitor, 'rtc.answer', { callId, sdp: sdp('v2') });
  assert(answer2.ok, 'restart answer');
  await waitFor(again2, 'rtc.answer', (p) => p.sdp.includes('x-test:v2'));
  await waitFor(visitor, 'rtc.offer', (p) => p.iceRestart === true && p.sdp.includes('x-test:h2'));

  // --- hang up: ended for everyone; nothing more is relayed --------------------------------------------------------
  const end = await ack(visitor, 'call.end', { callId });
  assert(end.ok && end.call.state === 'ended' && end.call.endReason === 'visitor_hangup' && end.call.path === 'relay/tls', 'end ' + JSON.stringify(end));
  await waitFor(again2, 'call.updated', (u) => u.call.state === 'ended');
  await waitFor(loser, 'call.updated', (u) => u.call.state === 'ended');
  await waitFor(dash, 'call.updated', (u) => u.call.state === 'ended');
  const dup = await ack(again2, 'call.end', { callId });
  assert(dup.ok && dup.call.state === 'ended', 'a second hang-up is a duplicate');
  const late = await ack(again2, 'rtc.candidate', { callId, candidate: candidate(7) });
  assert(!late.ok && late.error.code === 'conflict', 'no signaling after the end');
  const afterJoin = await ack(visitor, 'session.join', { sessionId: session.id });
  assert(afterJoin.ok && afterJoin.activeCall === null, 'no live call after the end');

  // --- a new call in the same session, started by the homeowner, cancelled while ringing --------------------------
  const hs = await ack(loser, 'call.start', { sessionId: session.id, clientCallId: 'cc-2', media: 'audio' });
  assert(hs.ok && hs.call.initiatorRole === 'homeowner', 'homeowner starts ' + JSON.stringify(hs));
  await waitFor(visitor, 'call.updated', (u) => u.call.id === hs.call.id && u.call.state === 'ringing');
  const notYours = await ack(again2, 'call.cancel', { callId: hs.call.id });
  assert(!notYours.ok && notYours.error.code === 'forbidden', 'another device cannot cancel ' + JSON.stringify(notYours));
  const cancel = await ack(loser, 'call.cancel', { callId: hs.call.id });
  assert(cancel.ok && cancel.call.state === 'cancelled', 'cancel');
  await waitFor(visitor, 'call.updated', (u) => u.call.id === hs.call.id && u.call.state === 'cancelled');

  for (const s of [visitor, phone, laptop, again2, dash]) s.close();
  return { callId, relayedToVisitor: expectVisitor.length, relayedToHomeowner: expectWinner.length };
});
