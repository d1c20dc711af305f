// call.start and call.accept acks carry ICE servers with fresh TURN credentials; prints them for the Java side.
import { ack, assert, run } from '../lib.mjs';
import { activeSession } from './common.mjs';

run(async () => {
  const { session, visitor, phone, laptop, dash } = await activeSession();
  const start = await ack(visitor, 'call.start', { sessionId: session.id, clientCallId: 'ice-1', media: 'audio' });
  assert(start.ok, 'start ' + JSON.stringify(start));
  const accept = await ack(phone, 'call.accept', { callId: start.call.id });
  assert(accept.ok, 'accept ' + JSON.stringify(accept));
  const end = await ack(phone, 'call.end', { callId: start.call.id });
  assert(end.ok, 'end');
  for (const s of [visitor, phone, laptop, dash]) s.close();
  return { start: { iceServers: start.iceServers, ttlSeconds: start.ttlSeconds, expiresAt: start.expiresAt },
           accept: { iceServers: accept.iceServers, ttlSeconds: accept.ttlSeconds, expiresAt: accept.expiresAt } };
});
