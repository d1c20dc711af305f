// Unit tests of the web app's pure logic (plain Node, no browser): ICE server config parsing, presence,
// transport naming, refresh timing, the network badge and time parsing. The browser tests in backend/e2e
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
