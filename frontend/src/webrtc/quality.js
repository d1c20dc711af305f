// When to step a video call down to audio: pure logic (no WebRTC), fed one getStats() sample
// (see stats.js) every 1.5 s.
//
// Packet loss is measured per sampling interval, not over the whole call: the loss of the last
// interval = Δ packetsLost / Δ (packetsReceived + packetsLost) of the inbound RTP streams, and the
// far end's own per-report figure for what we send (RTCP `fractionLost` of remote-inbound-rtp).
// A cumulative figure would react late to a bad network and stay high long after one burst.
//
// Each sample is classified with two sets of thresholds (hysteresis):
//   poor  — loss ≥ 8 %, or RTT ≥ 800 ms, or the selected pair's availableOutgoingBitrate < 150 kbit/s;
//   good  — loss < 3 %, RTT < 400 ms and available bitrate ≥ 250 kbit/s (each when known);
//   fair  — anything in between: neither counts towards a step-down nor clears the streak.
// The call steps down after POOR_STREAK poor samples in a row (4.5 s of sustained trouble); only a good
// sample resets the streak, so a network hovering around a threshold does not flap in and out of
// "almost stepping down", and one lossy interval alone never stops the video.

export const QUALITY = Object.freeze({
  poorLossPct: 8,
  goodLossPct: 3,
  poorRttMs: 800,
  goodRttMs: 400,
  poorBitrate: 150_000,
  goodBitrate: 250_000,
  poorStreak: 3,
  // Fewer packets than this in an interval say nothing about loss (audio alone sends ~50/s).
  minPackets: 20,
});

/**
 * Loss (%) between two cumulative samples of inbound counters, or null when it cannot be told
 * (no previous sample, too few packets, counters went backwards after a renegotiation).
 */
export function intervalLossPct(prev, cur, minPackets = QUALITY.minPackets) {
  if (!prev || !cur) return null;
  const lost = (cur.packetsLost ?? 0) - (prev.packetsLost ?? 0);
  const received = (cur.packetsReceived ?? 0) - (prev.packetsReceived ?? 0);
  if (received < 0 || lost < 0) return null;
  const total = received + lost;
  if (total < minPackets) return null;
  return (100 * lost) / total;
}

const round1 = (x) => Math.round(x * 10) / 10;

/** The figures of one interval: loss (worst of both directions), RTT, available outgoing bitrate. */
export function intervalMetrics(prev, cur, t = QUALITY) {
  const inbound = intervalLossPct(prev, cur, t.minPackets);
  const outbound = typeof cur.remoteLossPct === 'number' ? cur.remoteLossPct : null;
  const loss = inbound == null && outbound == null ? null : Math.max(inbound ?? 0, outbound ?? 0);
  return {
    lossPct: loss == null ? null : round1(loss),
    rttMs: typeof cur.rttMs === 'number' ? cur.rttMs : null,
    bitrate: typeof cur.availableOutgoingBitrate === 'number' ? cur.availableOutgoingBitrate : null,
  };
}

/** 'poor' | 'fair' | 'good' for one interval's metrics. */
export function classify(m, t = QUALITY) {
  const { lossPct, rttMs, bitrate } = m;
  if ((lossPct != null && lossPct >= t.poorLossPct) || (rttMs != null && rttMs >= t.poorRttMs) || (bitrate != null && bitrate < t.poorBitrate)) {
    return 'poor';
  }
  if ((lossPct == null || lossPct < t.goodLossPct) && (rttMs == null || rttMs < t.goodRttMs) && (bitrate == null || bitrate >= t.goodBitrate)) {
    return 'good';
  }
  return 'fair';
}

/** Why a poor interval is poor, for the notice: "12% packet loss", "950 ms round trip", "low bandwidth". */
export function poorReason(m, t = QUALITY) {
  if (m.lossPct != null && m.lossPct >= t.poorLossPct) return `${Math.round(m.lossPct)}% packet loss`;
  if (m.rttMs != null && m.rttMs >= t.poorRttMs) return `${m.rttMs} ms round trip`;
  return 'low bandwidth';
}

export function initialQuality() {
  return { prev: null, streak: 0 };
}

/**
 * One step: the tracker state and a getStats() sample (with cumulative packetsLost / packetsReceived)
 * → { state, metrics, verdict, stepDown } where stepDown is the notice text or null.
 */
export function nextQuality(state, sample, t = QUALITY) {
  const metrics = intervalMetrics(state.prev, sample, t);
  const verdict = classify(metrics, t);
  const streak = verdict === 'poor' ? state.streak + 1 : verdict === 'good' ? 0 : state.streak;
  const prev = { packetsLost: sample.packetsLost ?? 0, packetsReceived: sample.packetsReceived ?? 0 };
  const stepDown = streak >= t.poorStreak && verdict === 'poor' ? `Poor network (${poorReason(metrics, t)}): switched to audio only` : null;
  return { state: { prev, streak: stepDown ? 0 : streak }, metrics, verdict, stepDown };
}

/** After the user turns video back on: keep the counters' baseline, forget the streak. */
export function resetStreak(state) {
  return { ...state, streak: 0 };
}
