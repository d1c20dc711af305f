// Unit tests of the web app's pure logic (plain Node, no browser): ICE server config parsing, presence,
// transport naming, refresh timing, the network badge, time parsing, and the catch-up logic (contiguous
// chat seq, message paging, ring reconciliation). The browser tests in backend/e2e
// cover everything that needs a DOM, a server and WebRTC.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIceServers } from '../src/config/env.js';
import { isPresent, otherRole } from '../src/hooks/useSessionRealtime.js';
import { transportOf, refreshDelay, pickIceServers } from '../src/webrtc/iceServers.js';
import { badgeText } from '../src/webrtc/stats.js';
import { toDate } from '../src/lib/time.js';

test('VITE_WEBRTC_ICE_SERVERS in the seed form is parsed; junk is ignored', () => {
  const raw = JSON.stringify([
    { urls: ['stun:stun.l.google.com:19302'] },
    { urls: 'turn:turn.example:3478?transport=udp', username: 'u', credential: 'p' },
    { nope: true },
  ]);
  assert.deepEqual(parseIceServers(raw), [
    { urls: ['stun:stun.l.google.com:19302'] },
    { urls: ['turn:turn.example:3478?transport=udp'], username: 'u', credential: 'p' },
  ]);
  assert.deepEqual(parseIceServers('not json'), []);
  assert.deepEqual(parseIceServers('{"urls":"stun:x"}'), []);
  assert.deepEqual(parseIceServers(undefined), []);
});

test('server-issued ICE servers win over the static fallback', () => {
  const server = [{ urls: ['turn:a:3478'], username: 'x', credential: 'y' }];
  assert.equal(pickIceServers(server), server);
  assert.deepEqual(pickIceServers([]), []); // no build-time fallback configured in tests
});

test('presence accepts the server shape and simpler ones', () => {
  const p = [
    { role: 'visitor', online: true, devices: 1 },
    { role: 'homeowner', online: false, devices: 0 },
  ];
  assert.equal(isPresent(p, 'visitor'), true);
  assert.equal(isPresent(p, 'homeowner'), false);
  assert.equal(isPresent({ homeowner: 2 }, 'homeowner'), true);
  assert.equal(isPresent({ homeowner: 0 }, 'homeowner'), false);
  assert.equal(isPresent(['visitor'], 'visitor'), true);
  assert.equal(isPresent(null, 'visitor'), false);
  assert.equal(otherRole('visitor'), 'homeowner');
  assert.equal(otherRole('homeowner'), 'visitor');
});

test('ICE URL transports', () => {
  assert.equal(transportOf('turn:h:3478?transport=udp'), 'udp');
  assert.equal(transportOf('turn:h:3478'), 'udp');
  assert.equal(transportOf('turn:h:3478?transport=tcp'), 'tcp');
  assert.equal(transportOf('turns:h:5349?transport=tcp'), 'tls');
  assert.equal(transportOf('stun:h:3478'), 'stun');
});

test('credentials are refreshed at 80 % of their remaining life, never sooner than 5 s', () => {
  const now = Date.now();
  const d = refreshDelay(now + 100_000);
  assert.ok(d > 75_000 && d <= 80_000, String(d));
  assert.equal(refreshDelay(now + 1000), 5000);
  assert.equal(refreshDelay(Number.POSITIVE_INFINITY), null);
});

test('network badge names the path and the transport to the relay', () => {
  assert.equal(badgeText(null), 'Connecting…');
  assert.equal(badgeText({ path: 'relay', relayProtocol: 'tls', protocol: 'udp' }), 'Relay · TLS');
  assert.equal(badgeText({ path: 'relay', relayProtocol: null, protocol: 'udp' }), 'Relay · UDP');
  assert.equal(badgeText({ path: 'direct', protocol: 'tcp' }), 'Direct · TCP');
});

test('times: ISO strings, epoch seconds and milliseconds', () => {
  assert.equal(toDate('2026-11-25T07:00:00Z').toISOString(), '2026-11-25T07:00:00.000Z');
  assert.equal(toDate(1795590000).toISOString(), new Date(1795590000 * 1000).toISOString());
  assert.equal(toDate(1795590000000).toISOString(), new Date(1795590000000).toISOString());
  assert.equal(toDate('garbage'), null);
  assert.equal(toDate(null), null);
});

// ---- catch-up logic (src/lib/sync.js) ------------------------------------------------------------
import { advanceContiguous, afterCompleteRead, hasGap, readAllAfter, mergeBySeq, reconcileRinging, MESSAGE_PAGE_LIMIT } from '../src/lib/sync.js';

const msgs = (...seqs) => seqs.map((seq) => ({ seq, body: `m${seq}` }));

test('the contiguous seq only advances through held seqs, never over a gap', () => {
  const held = new Set([1, 2, 3, 5, 6]);
  assert.equal(advanceContiguous(0, held), 3);
  assert.equal(hasGap(3, held), true); // 5 is held, 4 is missing
  held.add(4);
  assert.equal(advanceContiguous(3, held), 6);
  assert.equal(hasGap(6, held), false);
  assert.equal(advanceContiguous(0, new Set()), 0);
  assert.equal(hasGap(0, new Set([1])), false);
  assert.equal(hasGap(0, new Map([[2, {}]])), true);
});

test('a live message beyond the marker does not move the afterSeq for the next re-join', () => {
  // Held 1..10 from a join, then the live push of 12 arrives while 11 was missed.
  const held = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  let c = advanceContiguous(0, held);
  held.add(12);
  c = advanceContiguous(c, held);
  assert.equal(c, 10); // a re-join now asks for afterSeq=10 and gets 11
  assert.equal(hasGap(c, held), true);
});

test('a complete read proves what does not exist: the marker may cross a hole it returned around', () => {
  const held = new Set([1, 2, 4, 5]);
  // Read from afterSeq=2 returned 4 and 5 only (3 does not exist): the marker moves to 5.
  assert.equal(afterCompleteRead(2, 2, msgs(4, 5), held), 5);
  // A read that started beyond the marker proves nothing about the seqs before its start.
  assert.equal(afterCompleteRead(1, 3, msgs(4, 5), new Set([1, 4, 5])), 1);
  // An empty complete read: the marker goes on through held seqs only.
  assert.equal(afterCompleteRead(2, 2, [], new Set([1, 2, 3])), 3);
});

test('a full join page is followed by HTTP pages until a short page, merged and de-duplicated by seq', async () => {
  const all = msgs(...Array.from({ length: 1234 }, (_, i) => i + 1));
  const calls = [];
  const fetchPage = async (afterSeq, limit) => {
    calls.push([afterSeq, limit]);
    return all.filter((m) => m.seq > afterSeq).slice(0, limit);
  };
  // The join ack: the first 500 after afterSeq=0 (no "more" flag).
  const joinAck = all.slice(0, MESSAGE_PAGE_LIMIT);
  assert.equal(joinAck.length, MESSAGE_PAGE_LIMIT);
  const { messages, complete } = await readAllAfter(fetchPage, 500);
  assert.equal(complete, true);
  assert.deepEqual(calls, [[500, 500], [1000, 500]]);
  let map = mergeBySeq(new Map(), joinAck);
  map = mergeBySeq(map, messages);
  map = mergeBySeq(map, all.slice(990, 1010)); // a replay overlapping: still one per seq
  assert.equal(map.size, 1234);
  assert.deepEqual([...map.keys()].sort((a, b) => a - b), all.map((m) => m.seq));
  const held = new Set(map.keys());
  assert.equal(afterCompleteRead(0, 0, [...joinAck, ...messages], held), 1234);
});

test('paging stops on an exact multiple (an empty last page) and on a page that does not advance', async () => {
  const all = msgs(...Array.from({ length: 1000 }, (_, i) => i + 1));
  let n = 0;
  const r = await readAllAfter(async (after, limit) => (n++, all.filter((m) => m.seq > after).slice(0, limit)), 0);
  assert.equal(r.messages.length, 1000);
  assert.equal(r.complete, true);
  assert.equal(n, 3);
  const stuck = await readAllAfter(async () => msgs(...Array.from({ length: 500 }, (_, i) => i + 1)), 600);
  assert.equal(stuck.complete, false);
  assert.equal(stuck.messages.length, 0);
  await assert.rejects(readAllAfter(async () => {
    throw new Error('network');
  }, 0));
});

const ses = (id, status = 'ringing', createdAt = '2026-01-01T00:00:00Z') => ({ id, status, createdAt, visitorName: id });

test('reconcile: a ring missed while disconnected starts ringing; one that ended meanwhile stops', () => {
  const list = [
    { session: ses('a'), door: { label: 'Front' }, at: 1000 },
    { session: ses('b'), door: null, at: 1000 },
  ];
  // While away: 'a' was accepted on another device; 'c' and 'd' rang.
  const fetched = [ses('d', 'ringing', '2026-01-01T00:00:09Z'), ses('c', 'ringing', '2026-01-01T00:00:05Z'), { ...ses('b'), purpose: 'parcel' }];
  const r = reconcileRinging(list, fetched, { startedAt: 5000, now: 6000, settled: new Set() });
  assert.deepEqual(r.dropped, ['a']);
  assert.deepEqual(r.added, ['c', 'd']); // oldest first
  assert.deepEqual(r.list.map((x) => x.session.id), ['b', 'c', 'd']);
  assert.equal(r.list[0].session.purpose, 'parcel'); // fresher copy
  assert.equal(r.list[0].door, null);
  assert.equal(r.list[1].at, 6000);
});

test('reconcile: a live ring newer than the read survives it; settled sessions never ring again', () => {
  const list = [{ session: ses('new'), at: 5001 }];
  const r = reconcileRinging(list, [ses('gone'), ses('x', 'active')], { startedAt: 5000, now: 7000, settled: new Set(['gone']) });
  assert.deepEqual(r.list.map((x) => x.session.id), ['new']);
  assert.deepEqual(r.added, []);
  assert.deepEqual(r.dropped, []);
  // Nothing rings any more: every alert from before the read goes (the chime stops).
  const none = reconcileRinging([{ session: ses('a'), at: 1 }], [], { startedAt: 5, now: 6 });
  assert.deepEqual(none.list, []);
  assert.deepEqual(none.dropped, ['a']);
});
