// The video-call half of browser tests 1 and 2.
import { shot, assert, log } from './lib.mjs';

export async function callStats(page) {
  return page.evaluate(async () => {
    const cs = window.__qring && window.__qring.call;
    if (!cs || !cs.pc) return null;
    const report = await cs.pc.getStats();
    const local = [];
    let framesDecoded = 0;
    let pair = null;
    const byId = new Map();
    report.forEach((s) => byId.set(s.id, s));
    report.forEach((s) => {
      if (s.type === 'local-candidate') local.push({ type: s.candidateType, relayProtocol: s.relayProtocol || null, protocol: s.protocol });
      if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded || 0;
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId);
    });
    const lc = pair ? byId.get(pair.localCandidateId) : null;
    const rc = pair ? byId.get(pair.remoteCandidateId) : null;
    return {
      localCandidates: local,
      framesDecoded,
      selectedLocal: lc ? lc.candidateType : null,
      selectedRemote: rc ? rc.candidateType : null,
      relayProtocol: lc ? lc.relayProtocol || null : null,
      setupMs: cs.setupMs,
      iceTransportPolicy: cs.pc.getConfiguration().iceTransportPolicy,
    };
  });
}

// visitorRelayOnly: false = the visitor runs the default ICE policy ('all'); the homeowner is relay-only.
// whileConnected: an async hook run while the call is still up (badge showing), before the hang-up.
export async function runCall(home, visitor, { expectRelayProtocol, shots = true, iceRestart = false, visitorRelayOnly = true, whileConnected } = {}) {
  log('homeowner starts a video call');
  await home.getByTestId('call-start-video').click();
  await visitor.getByTestId('call-incoming').waitFor({ timeout: 30000 });
  if (shots) await shot(visitor, 'visitor-incoming-call');
  const accepted = Date.now();
  await visitor.getByTestId('call-accept').click();
  await visitor.locator('[data-testid="call-panel"][data-phase="connected"]').waitFor({ timeout: 30000 });
  await home.locator('[data-testid="call-panel"][data-phase="connected"]').waitFor({ timeout: 30000 });
  const wallSetupMs = Date.now() - accepted;
  log('both connected; accept→connected (wall, incl. test polling)', wallSetupMs, 'ms');
  await visitor.locator('[data-testid="call-badge"][data-path="relay"]').waitFor({ timeout: 20000 });
  await home.locator('[data-testid="call-badge"][data-path="relay"]').waitFor({ timeout: 20000 });
  // Remote video frames decoded on both sides.
  let v;
  let h;
  for (let i = 0; i < 40; i++) {
    v = await callStats(visitor);
    h = await callStats(home);
    if (v && h && v.framesDecoded > 10 && h.framesDecoded > 10) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  log('visitor stats', JSON.stringify(v));
  log('homeowner stats', JSON.stringify(h));
  assert(v && h, 'call stats available');
  for (const [who, s] of [['visitor', v], ['homeowner', h]]) {
    const relayOnly = who === 'homeowner' || visitorRelayOnly;
    if (relayOnly) {
      assert(s.iceTransportPolicy === 'relay', `${who} runs relay-only`);
      assert(s.localCandidates.length > 0 && s.localCandidates.every((c) => c.type === 'relay'), `${who} gathered only typ relay candidates`);
    } else {
      assert(s.iceTransportPolicy === 'all', `${who} runs the default ICE policy (got ${s.iceTransportPolicy})`);
    }
    assert(s.selectedLocal === 'relay' && s.selectedRemote === 'relay', `${who} selected pair is relay/relay`);
    assert(s.framesDecoded > 10, `${who} decoded remote video frames (${s.framesDecoded})`);
    if (expectRelayProtocol) assert(s.relayProtocol === expectRelayProtocol, `${who === 'visitor' ? 'visitor' : who} relays over ${expectRelayProtocol} (got ${s.relayProtocol})`);
  }
  if (shots) {
    await shot(visitor, 'visitor-video-call');
    await shot(home, 'homeowner-video-call');
  }
  let restart = null;
  let stepDown = null;
  if (iceRestart) {
    restart = await checkIceRestart(home, visitor);
    stepDown = await checkStepDown(visitor);
    if (shots) await shot(visitor, 'visitor-call-stepped-down');
  }
  const visitorBadge = await visitor.getByTestId('call-badge').textContent();
  const homeBadge = await home.getByTestId('call-badge').textContent();
  if (whileConnected) await whileConnected({ visitorBadge, homeBadge });
  // Let call.stats reach the server before hanging up.
  await new Promise((r) => setTimeout(r, 500));
  log('homeowner hangs up');
  await home.getByTestId('call-end').click();
  await home.getByTestId('call-ended').waitFor({ timeout: 20000 });
  await visitor.getByTestId('call-ended').waitFor({ timeout: 20000 });
  const ended = await visitor.getByTestId('call-ended').evaluate((el) => ({ ...el.dataset }));
  const homeEnded = await home.getByTestId('call-ended').evaluate((el) => ({ ...el.dataset }));
  // The server's call record carries the setup time the clients reported (call.stats), not this page's own figure.
  log('server call record: setupMs', ended.serverSetupMs, '(visitor view),', homeEnded.serverSetupMs, '(homeowner view); path', ended.path);
  for (const [who, e] of [['visitor', ended], ['homeowner', homeEnded]]) {
    assert(Number(e.serverSetupMs) > 0, `${who}: the server's call record has a positive setupMs (got '${e.serverSetupMs}')`);
  }
  return { visitor: v, homeowner: h, restart, stepDown, visitorBadge, homeBadge, wallSetupMs, ended, homeEnded };
}


const ufrag = (sdp) => ((sdp || '').match(/a=ice-ufrag:(\S+)/) || [])[1];

/** The visitor restarts ICE (as on a network change): new ICE credentials on both ends, media keeps flowing. */
async function checkIceRestart(home, visitor) {
  const before = await visitor.evaluate(() => window.__qring.call.pc.localDescription.sdp);
  const framesBefore = (await callStats(home)).framesDecoded;
  log('visitor restarts ICE');
  await visitor.evaluate(() => window.__qring.call.restartIce('browser test'));
  let after = null;
  let remoteAtHome = null;
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 100));
    after = await visitor.evaluate(() => ({ sdp: window.__qring.call.pc.localDescription.sdp, sig: window.__qring.call.pc.signalingState, conn: window.__qring.call.pc.connectionState }));
    remoteAtHome = await home.evaluate(() => window.__qring.call.pc.remoteDescription.sdp);
    if (ufrag(after.sdp) !== ufrag(before) && ufrag(remoteAtHome) === ufrag(after.sdp) && after.sig === 'stable' && after.conn === 'connected') break;
  }
  assert(ufrag(after.sdp) !== ufrag(before), 'ICE restart produced new ICE credentials');
  assert(ufrag(remoteAtHome) === ufrag(after.sdp), 'the homeowner applied the restart offer');
  await new Promise((r) => setTimeout(r, 1000));
  const framesAfter = (await callStats(home)).framesDecoded;
  assert(framesAfter > framesBefore, `media keeps flowing after the ICE restart (${framesBefore} -> ${framesAfter})`);
  const conn = await visitor.evaluate(() => window.__qring.call.pc.connectionState);
  assert(conn === 'connected', `still connected after the ICE restart (${conn})`);
  return { ufragBefore: ufrag(before), ufragAfter: ufrag(after.sdp), framesBefore, framesAfter };
}

/**
 * Three intervals in a row with 20 % loss (cumulative counters moving on from the live baseline) make the
 * visitor step down to audio and say so; the call stays up.
 */
async function checkStepDown(visitor) {
  await visitor.evaluate(() => {
    const cs = window.__qring.call;
    const base = cs.quality.prev || { packetsLost: 0, packetsReceived: 0 };
    for (let i = 1; i <= 3; i++) {
      cs.checkQuality({
        connected: true,
        packetsLost: base.packetsLost + 40 * i,
        packetsReceived: base.packetsReceived + 160 * i,
        rttMs: 40,
        availableOutgoingBitrate: 1_000_000,
        qualityLimitationReason: 'none',
      });
    }
  });
  const notice = visitor.getByTestId('call-stepdown');
  await notice.waitFor();
  const text = await notice.textContent();
  assert(/audio only/.test(text), `step-down notice says audio only (${text})`);
  const state = await visitor.evaluate(() => ({
    videoSending: window.__qring.call.pc.getSenders().some((s) => s.track && s.track.kind === 'video'),
    audioSending: window.__qring.call.pc.getSenders().some((s) => s.track && s.track.kind === 'audio'),
    conn: window.__qring.call.pc.connectionState,
  }));
  assert(!state.videoSending && state.audioSending, `video stopped, audio kept (${JSON.stringify(state)})`);
  assert(state.conn === 'connected', 'call still connected after the step-down');
  return { text, ...state };
}
