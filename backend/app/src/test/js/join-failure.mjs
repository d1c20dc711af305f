// A session.join that fails after the socket entered the room (the Java side hides the message table, so the
// history read fails) answers an error AND leaves no trace: not in the room, not shown online, not joined.
// Once the table is back, the same socket joins normally.
import { signup, createDoor, visitorSession, connect, ack, events, sleep, assert, run, step } from './lib.mjs';

const visitorOnline = (participants) => participants.find((p) => p.role === 'visitor').online;

run(async () => {
  const owner = await signup('jo');
  const door = await createDoor(owner.token);
  const v = await visitorSession(door.qrSlug, 'Val');
  const sid = v.session.id;
  const home = await connect('/realtime/signaling', { token: owner.token });
  const hj = await ack(home, 'session.join', { sessionId: sid });
  assert(hj.ok, 'homeowner joins ' + JSON.stringify(hj));
  const visitor = await connect('/realtime/signaling', { visitorToken: v.visitorToken });

  await step('break-history');
  const failed = await ack(visitor, 'session.join', { sessionId: sid });
  assert(!failed.ok, 'a join whose history read fails is an error ' + JSON.stringify(failed));
  await sleep(500);
  // the homeowner may have seen the visitor arrive, but the last word is: offline
  const seen = events(home, 'session.presence').filter((p) => p.sessionId === sid);
  assert(seen.length === 0 || !visitorOnline(seen.at(-1).participants),
    'the visitor is not shown online after a failed join ' + JSON.stringify(seen));
  // not in the room: the homeowner's typing does not reach the visitor
  const typing = await ack(home, 'chat.typing', { sessionId: sid, typing: true });
  assert(typing.ok, 'homeowner typing ' + JSON.stringify(typing));
  await sleep(500);
  assert(events(visitor, 'chat.typing').length === 0, 'a socket whose join failed gets no room events');
  // not joined: events that need a join are refused
  const vt = await ack(visitor, 'chat.typing', { sessionId: sid, typing: true });
  assert(!vt.ok && vt.error.code === 'forbidden', 'a failed join is not a join ' + JSON.stringify(vt));

  await step('fix-history');
  const ok = await ack(visitor, 'session.join', { sessionId: sid });
  assert(ok.ok, 'join works again ' + JSON.stringify(ok));
  assert(visitorOnline(ok.participants), 'now the visitor is online');
  const typing2 = await ack(home, 'chat.typing', { sessionId: sid, typing: false });
  assert(typing2.ok, 'homeowner typing again');
  await sleep(300);
  assert(events(visitor, 'chat.typing').length === 1, 'now the visitor is in the room');
  home.close();
  visitor.close();
  return { failedWith: failed.error.code };
});
