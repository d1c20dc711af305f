// Reads what a person (and the server's call record) needs from RTCPeerConnection.getStats():
// the selected candidate pair (direct or relay; UDP, TCP or TLS to the relay), RTT, loss,
// decoded video frames and whether the sender is limited by bandwidth.
// `lossPct` is the whole call's inbound loss so far (for the call record); the cumulative
// counters `packetsLost` / `packetsReceived` let quality.js work out the loss of each interval,
// and `remoteLossPct` is the far end's latest per-report loss of what we send (RTCP fractionLost).

export async function readCallStats(pc) {
  const report = await pc.getStats();
  const byId = new Map();
  report.forEach((s) => byId.set(s.id, s));
  let pair = null;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId) || pair;
  });
  if (!pair) {
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.state === 'succeeded' && (s.nominated || s.selected)) pair = pair || s;
    });
  }
  const local = pair ? byId.get(pair.localCandidateId) : null;
  const remote = pair ? byId.get(pair.remoteCandidateId) : null;
  let framesDecoded = 0;
  let frameWidth = 0;
  let packetsLost = 0;
  let packetsReceived = 0;
  let qualityLimitationReason = 'none';
  let remoteLoss = null;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') {
      if (s.kind === 'video') {
        framesDecoded += s.framesDecoded || 0;
        frameWidth = Math.max(frameWidth, s.frameWidth || 0);
      }
      packetsLost += s.packetsLost || 0;
      packetsReceived += s.packetsReceived || 0;
    }
    if (s.type === 'outbound-rtp' && s.kind === 'video' && s.qualityLimitationReason) qualityLimitationReason = s.qualityLimitationReason;
    if (s.type === 'remote-inbound-rtp' && typeof s.fractionLost === 'number') remoteLoss = Math.max(remoteLoss || 0, s.fractionLost);
  });
  const rttMs = pair && typeof pair.currentRoundTripTime === 'number' ? Math.round(pair.currentRoundTripTime * 1000) : null;
  const lossPct = packetsReceived + packetsLost > 0 ? (100 * packetsLost) / (packetsReceived + packetsLost) : remoteLoss != null ? remoteLoss * 100 : 0;
  const isRelay = Boolean(local && (local.candidateType === 'relay' || (remote && remote.candidateType === 'relay')));
  return {
    connected: Boolean(pair),
    localCandidateType: local ? local.candidateType : null,
    remoteCandidateType: remote ? remote.candidateType : null,
    protocol: local ? local.protocol : null,
    relayProtocol: local && local.candidateType === 'relay' ? local.relayProtocol || null : null,
    path: isRelay ? 'relay' : pair ? 'direct' : null,
    rttMs,
    lossPct: Math.round(lossPct * 10) / 10,
    packetsLost,
    packetsReceived,
    remoteLossPct: remoteLoss != null ? Math.round(remoteLoss * 1000) / 10 : null,
    framesDecoded,
    frameWidth,
    availableOutgoingBitrate: pair ? pair.availableOutgoingBitrate ?? null : null,
    qualityLimitationReason,
  };
}

/** "Relay · TLS", "Direct · UDP" … for the network badge. */
export function badgeText(s) {
  if (!s || !s.path) return 'Connecting…';
  if (s.path === 'relay') {
    const t = (s.relayProtocol || s.protocol || '').toUpperCase();
    return `Relay · ${t || '?'}`;
  }
  return `Direct · ${(s.protocol || '').toUpperCase()}`;
}
