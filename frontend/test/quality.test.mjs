// Unit tests of the video → audio step-down logic (src/webrtc/quality.js): loss per sampling
// interval from cumulative getStats() counters, RTT and available bitrate, a streak of poor
// intervals, and hysteresis between the "poor" and "good" thresholds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUALITY, intervalLossPct, intervalMetrics, classify, poorReason, initialQuality, nextQuality, resetStreak } from '../src/webrtc/quality.js';

/** Feeds samples built from per-interval (received, lost) packet counts; returns every step. */
function run(intervals, { rttMs = 40, bitrate = 1_000_000, state = initialQuality() } = {}) {
  let lost = 0;
  let received = 0;
  const steps = [];
  // The first sample only sets the counters' baseline.
  const samples = [{ packetsLost: 0, packetsReceived: 0, rttMs, availableOutgoingBitrate: bitrate }];
  for (const iv of intervals) {
    lost += iv.lost;
    received += iv.received;
    samples.push({ packetsLost: lost, packetsReceived: received, rttMs: iv.rttMs ?? rttMs, availableOutgoingBitrate: iv.bitrate ?? bitrate, remoteLossPct: iv.remoteLossPct });
  }
  for (const s of samples) {
    const step = nextQuality(state, { connected: true, ...s });
    state = step.state;
    steps.push(step);
  }
  return { steps: steps.slice(1), state };
}
const iv = (lossPct, packets = 200, extra = {}) => ({ lost: Math.round((packets * lossPct) / 100), received: packets - Math.round((packets * lossPct) / 100), ...extra });

test('interval loss is the delta of the counters, not the call-long ratio', () => {
  assert.equal(intervalLossPct(null, { packetsLost: 5, packetsReceived: 95 }), null);
  assert.equal(intervalLossPct({ packetsLost: 100, packetsReceived: 900 }, { packetsLost: 100, packetsReceived: 1100 }), 0);
  assert.equal(intervalLossPct({ packetsLost: 0, packetsReceived: 1000 }, { packetsLost: 50, packetsReceived: 1150 }), 25);
  // Too few packets to tell, or counters that went backwards (new stream after a renegotiation): unknown.
  assert.equal(intervalLossPct({ packetsLost: 0, packetsReceived: 1000 }, { packetsLost: 1, packetsReceived: 1005 }), null);
  assert.equal(intervalLossPct({ packetsLost: 10, packetsReceived: 1000 }, { packetsLost: 0, packetsReceived: 20 }), null);
});

test('the worse direction counts: our inbound interval loss or the far end\'s fractionLost of what we send', () => {
  const prev = { packetsLost: 0, packetsReceived: 0 };
  assert.equal(intervalMetrics(prev, { packetsLost: 2, packetsReceived: 198, remoteLossPct: 12.5 }).lossPct, 12.5);
  assert.equal(intervalMetrics(prev, { packetsLost: 20, packetsReceived: 180, remoteLossPct: 0 }).lossPct, 10);
  assert.equal(intervalMetrics(null, { packetsLost: 20, packetsReceived: 180 }).lossPct, null);
});

test('classification has a band between poor and good', () => {
  assert.equal(classify({ lossPct: 10, rttMs: 40, bitrate: 1e6 }), 'poor');
  assert.equal(classify({ lossPct: 0, rttMs: 900, bitrate: 1e6 }), 'poor');
  assert.equal(classify({ lossPct: 0, rttMs: 40, bitrate: 100_000 }), 'poor');
  assert.equal(classify({ lossPct: 5, rttMs: 40, bitrate: 1e6 }), 'fair');
  assert.equal(classify({ lossPct: 1, rttMs: 600, bitrate: 1e6 }), 'fair');
  assert.equal(classify({ lossPct: 1, rttMs: 40, bitrate: 200_000 }), 'fair');
  assert.equal(classify({ lossPct: 1, rttMs: 40, bitrate: 1e6 }), 'good');
  assert.equal(classify({ lossPct: null, rttMs: null, bitrate: null }), 'good');
});

test('sustained loss steps down after three intervals, and says why', () => {
  const { steps } = run([iv(20), iv(20), iv(20)]);
  assert.deepEqual(steps.map((s) => s.verdict), ['poor', 'poor', 'poor']);
  assert.equal(steps[0].stepDown, null);
  assert.equal(steps[1].stepDown, null);
  assert.equal(steps[2].stepDown, 'Poor network (20% packet loss): switched to audio only');
});

test('one burst does not step down, and the call is judged on recent intervals again right after it', () => {
  // A 60 % burst in one interval after a clean start: the call-long ratio would stay above 8 % for many
  // intervals (60·200 / (200·n) > 8 until n ≈ 8); per interval it is poor once, then good.
  const { steps } = run([iv(0), iv(60), iv(0), iv(0), iv(0), iv(0), iv(0)]);
  assert.deepEqual(steps.map((s) => s.verdict), ['good', 'poor', 'good', 'good', 'good', 'good', 'good']);
  assert.ok(steps.every((s) => s.stepDown === null));
  assert.equal(steps[2].metrics.lossPct, 0);
});

test('a good interval clears the streak; a borderline one holds it (hysteresis)', () => {
  // poor, poor, good, poor, poor: no step-down (the good interval resets).
  let r = run([iv(20), iv(20), iv(0), iv(20), iv(20)]);
  assert.ok(r.steps.every((s) => s.stepDown === null));
  // poor, poor, fair (5 %), poor: the fair interval neither clears nor counts → step-down on the third poor.
  r = run([iv(20), iv(20), iv(5), iv(20)]);
  assert.deepEqual(r.steps.map((s) => s.state.streak), [1, 2, 2, 0]);
  assert.match(r.steps[3].stepDown, /20% packet loss/);
  // Loss hovering around the threshold (7 %, 9 %, 7 %, …) only stops the video when poor intervals keep coming.
  r = run([iv(7), iv(9), iv(7), iv(9), iv(7)]);
  assert.ok(r.steps.every((s) => s.stepDown === null));
  // Hovering just under the "good" line never counts at all.
  r = run(Array.from({ length: 10 }, () => iv(4)));
  assert.ok(r.steps.every((s) => s.verdict === 'fair' && s.state.streak === 0 && s.stepDown === null));
});

test('RTT and available outgoing bitrate of the selected pair step down too', () => {
  let r = run([iv(0, 200, { rttMs: 950 }), iv(0, 200, { rttMs: 1000 }), iv(0, 200, { rttMs: 900 })]);
  assert.equal(r.steps[2].stepDown, 'Poor network (900 ms round trip): switched to audio only');
  r = run([iv(0, 200, { bitrate: 90_000 }), iv(0, 200, { bitrate: 80_000 }), iv(0, 200, { bitrate: 100_000 })]);
  assert.equal(r.steps[2].stepDown, 'Poor network (low bandwidth): switched to audio only');
  assert.equal(poorReason({ lossPct: 12.4, rttMs: 900, bitrate: 1 }), '12% packet loss');
});

test('after a step-down or a resume the streak starts again; the counters baseline is kept', () => {
  const r = run([iv(20), iv(20), iv(20)]);
  assert.equal(r.state.streak, 0);
  assert.deepEqual(r.state.prev, { packetsLost: 120, packetsReceived: 480 });
  const again = run([iv(20), iv(20)], { state: resetStreak({ ...r.state, streak: 2 }) });
  assert.deepEqual(again.steps.map((s) => s.stepDown), [null, null]);
  assert.equal(QUALITY.poorStreak, 3);
});
