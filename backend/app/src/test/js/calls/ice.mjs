// call.start and call.accept acks carry ICE servers with fresh TURN credentials, in the same shape as
// GET /api/v1/ice-servers; prints them (and the HTTP answers) for the Java side. Also: a retried call.accept of a
// call that ended since gets the call but no fresh credentials, and a retried call.end gets ok.
import { api, ack, assert, run } from '../lib.mjs';
import { activeSession } from './common.mjs';

const iceOf = (a) => Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'ok' && k !== 'call'));

run(async () => {
  const { owner, session, visitor, visitorToken, door, phone, laptop, dash } = await activeSession();
  const start = await ack(visitor, 'call.start', { sessionId: session.id, clientCallId: 'ice-1', media: 'audio' });
  assert(start.ok, 'start ' + JSON.stringify(start));
  const accept = await ack(phone, 'call.accept', { callId: start.call.id });
  assert(accept.ok, 'accept ' + JSON.stringify(accept));
  const httpVisitor = await api('GET', '/api/v1/ice-servers', { token: visitorToken });
  assert(httpVisitor.status === 200, 'GET ice-servers (visitor) ' + httpVisitor.status);
  const httpOwner = await api('GET', '/api/v1/ice-servers', { token: owner.token });
  assert(httpOwner.status === 200, 'GET ice-servers (homeowner) ' + httpOwner.status);
  const end = await ack(phone, 'call.end', { callId: start.call.id });
  assert(end.ok, 'end');
  const endAgain = await ack(phone, 'call.end', { callId: start.call.id });
  const acceptAgain = await ack(phone, 'call.accept', { callId: start.call.id });
  for (const s of [visitor, phone, laptop, dash]) s.close();
  return {
    sessionId: session.id, doorId: door.id, homeownerId: owner.homeowner.id,
    start: iceOf(start), accept: iceOf(accept),
    httpVisitor: httpVisitor.json, httpOwner: httpOwner.json,
    endAgain, acceptAgain,
  };
});
