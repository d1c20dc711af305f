// A party's signaling connection drives the call's reconnect grace: the Java side (CallPresenceTest) checks the
// stored call at each step. The visitor drops and comes back (grace started, then cancelled); a homeowner device
// that is not in the call drops (nothing happens); the device in the call drops (grace started).
import { writeFileSync } from 'node:fs';
import { connect, ack, waitFor, step, stepDir, assert, run } from '../lib.mjs';
import { activeSession, sdp } from './common.mjs';

run(async () => {
  const { session, visitorToken, dash, visitor, phone, laptop } = await activeSession();
  const start = await ack(visitor, 'call.start', { sessionId: session.id, clientCallId: 'p-1', media: 'audio' });
  assert(start.ok, 'start ' + JSON.stringify(start));
  const callId = start.call.id;
  writeFileSync(`${stepDir}/call-id`, callId);
  assert((await ack(phone, 'call.accept', { callId })).ok, 'accept');
  assert((await ack(phone, 'rtc.offer', { callId, sdp: sdp('o') })).ok, 'offer');
  assert((await ack(visitor, 'rtc.answer', { callId, sdp: sdp('a') })).ok, 'answer');
  const st = await ack(visitor, 'call.stats', { callId, setupMs: 300, localCandidateType: 'host', remoteCandidateType: 'host', protocol: 'udp' });
  assert(st.ok, 'stats');

  visitor.close();
  await step('visitor-gone');
  const visitor2 = await connect('/realtime/signaling', { visitorToken });
  const j = await ack(visitor2, 'session.join', { sessionId: session.id });
  assert(j.ok && j.activeCall && j.activeCall.id === callId && j.activeCall.state === 'connected', 'call survives ' + JSON.stringify(j));
  await step('visitor-back');

  laptop.close();
  await step('laptop-gone');
  phone.close();
  await step('phone-gone');

  const end = await ack(visitor2, 'call.end', { callId });
  assert(end.ok && end.call.state === 'ended', 'end ' + JSON.stringify(end));
  await waitFor(dash, 'call.updated', (u) => u.call.state === 'ended');
  visitor2.close();
  dash.close();
  return { callId };
});
