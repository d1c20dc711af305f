// One WebRTC call leg in this browser, driven by the server-owned call state (product.md).
//
// Who offers: the party that ACCEPTS the call sends the first offer right after its accept
// ack (it has the ICE servers from that ack): this saves a round trip compared with waiting
// for the caller to learn about the accept. The caller creates its RTCPeerConnection when
// that offer arrives. Later renegotiations (ICE restarts from either side) follow the
// "perfect negotiation" pattern: the caller is the polite peer, so offer glare resolves itself.
//
// Resilience: ICE restart when ICE fails or stays disconnected for 2.5 s, when the browser
// comes back online or its network changes, and after a signaling reconnect; ICE servers
// (short-lived TURN credentials) are refreshed before they expire. When the network stays poor
// (per-interval loss, RTT, available bitrate: quality.js) the call steps down from video to audio
// and says so.
import { env } from '../config/env.js';
import { pickIceServers, refreshDelay, fetchIceServers } from './iceServers.js';
import { readCallStats } from './stats.js';
import { initialQuality, nextQuality, resetStreak } from './quality.js';

const STATS_EVERY_MS = 1500;
const DISCONNECTED_GRACE_MS = 2500;

export class CallSession {
  /**
   * @param {object} o
   * @param {object} o.call            the server's call record
   * @param {boolean} o.polite         true for the caller (yields on offer glare)
   * @param {Array} o.iceServers       server-issued ICE servers
   * @param {number} o.iceExpiresAt    when those credentials expire (ms), or Infinity
   * @param {string} o.authToken       bearer for refreshing ICE servers
   * @param {(event:string, payload:object)=>Promise<object>} o.emit  signaling emit with ack
   * @param {(state:object)=>void} o.onChange
   */
  constructor({ call, polite, iceServers, iceExpiresAt, authToken, emit, onChange }) {
    this.call = call;
    this.callId = call.id;
    this.polite = polite;
    this.iceServers = pickIceServers(iceServers);
    this.iceExpiresAt = iceExpiresAt ?? Number.POSITIVE_INFINITY;
    this.authToken = authToken;
    this.emit = emit;
    this.onChange = onChange;
    this.relayOnly = env.relayOnly;
    this.pc = null;
    this.localStream = null;
    this.remoteStream = new MediaStream();
    this.pendingCandidates = [];
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.restartPending = false;
    this.t0 = null; // Accept pressed (ours) or seen (theirs): start of setup time
    this.setupMs = null;
    this.statsReported = false;
    this.closed = false;
    this.timers = new Set();
    this.quality = initialQuality();
    this.state = {
      phase: 'starting',
      media: call.media || 'video',
      muted: false,
      cameraOff: false,
      audioOnly: call.media === 'audio',
      stepDown: null,
      stats: null,
      connectionState: 'new',
      iceConnectionState: 'new',
      error: null,
      restarts: 0,
    };
    this.onOnline = () => this.restartIce('network came back');
    this.onNetChange = () => this.restartIce('network changed');
    window.addEventListener('online', this.onOnline);
    if (navigator.connection && navigator.connection.addEventListener) navigator.connection.addEventListener('change', this.onNetChange);
    this.scheduleIceRefresh();
  }

  set(patch) {
    this.state = { ...this.state, ...patch };
    if (!this.closed || patch.phase === 'ended') this.onChange(this.state, this);
  }

  later(ms, fn) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  /** Starts the camera/microphone once; later callers share the same promise. */
  startMedia() {
    if (!this.mediaPromise) this.mediaPromise = this.openMedia();
    return this.mediaPromise;
  }

  async openMedia() {
    if (this.localStream) return this.localStream;
    const wantVideo = (this.call.media || 'video') === 'video';
    try {
      this.localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: wantVideo ? { width: 640, height: 480 } : false });
    } catch (e) {
      if (!wantVideo) throw e;
      // No camera (or refused): carry on with audio only and say so.
      this.localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
      this.set({ audioOnly: true, stepDown: 'Camera unavailable: audio only' });
    }
    this.set({ localStream: this.localStream });
    return this.localStream;
  }

  createPc() {
    if (this.pc) return this.pc;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers, iceTransportPolicy: this.relayOnly ? 'relay' : 'all' });
    this.pc = pc;
    pc.ontrack = (e) => {
      if (!this.remoteStream.getTracks().includes(e.track)) this.remoteStream.addTrack(e.track);
      this.set({ remoteStream: this.remoteStream });
    };
    pc.onicecandidate = (e) => {
      if (!e.candidate) return;
      this.emit('rtc.candidate', { callId: this.callId, candidate: e.candidate.toJSON() });
    };
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        const iceRestart = this.restartPending;
        this.restartPending = false;
        await this.emit('rtc.offer', { callId: this.callId, sdp: pc.localDescription.sdp, iceRestart });
      } catch (e) {
        console.warn('offer failed', e);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.oniceconnectionstatechange = () => {
      const s = pc.iceConnectionState;
      this.set({ iceConnectionState: s });
      if (s === 'failed') this.restartIce('ICE failed');
      if (s === 'disconnected') {
        this.later(DISCONNECTED_GRACE_MS, () => {
          if (pc.iceConnectionState === 'disconnected') this.restartIce('connection lost');
        });
      }
    };
    pc.onconnectionstatechange = () => {
      const s = pc.connectionState;
      this.set({ connectionState: s });
      if (s === 'connected') this.onConnected();
      else if (this.state.phase === 'connected' && (s === 'disconnected' || s === 'failed')) this.set({ phase: 'reconnecting' });
    };
    return pc;
  }

  addLocalTracks() {
    if (!this.localStream || !this.pc) return;
    const senders = this.pc.getSenders();
    for (const track of this.localStream.getTracks()) {
      if (!senders.some((s) => s.track === track)) this.pc.addTrack(track, this.localStream);
    }
  }

  /** Accepter: we pressed Accept at `t0`; media + accept ack are in; send the first offer. */
  async beginAsAccepter(t0) {
    this.t0 = t0;
    this.acceptedAtEpochMs = performance.timeOrigin + t0;
    this.set({ phase: 'connecting' });
    this.createPc();
    this.addLocalTracks(); // -> negotiationneeded -> offer
  }

  /** Caller: the other party accepted (call.updated) — setup time counts from here. */
  markAccepted() {
    if (this.t0 == null) this.t0 = performance.now();
    if (this.state.phase === 'outgoing' || this.state.phase === 'starting') this.set({ phase: 'connecting' });
  }

  async handleSignal(type, p) {
    if (this.closed || !p || p.callId !== this.callId) return;
    try {
      if (type === 'rtc.offer' || type === 'rtc.answer') {
        const desc = { type: type === 'rtc.offer' ? 'offer' : 'answer', sdp: typeof p.sdp === 'string' ? p.sdp : p.sdp && p.sdp.sdp };
        if (desc.type === 'offer' && !this.pc) {
          this.markAccepted();
          this.createPc();
        }
        const pc = this.pc;
        if (!pc) return;
        const collision = desc.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
        this.ignoreOffer = !this.polite && collision;
        if (this.ignoreOffer) return;
        await pc.setRemoteDescription(desc);
        if (desc.type === 'offer') {
          // The caller's camera may still be starting when the first offer arrives: answer with our tracks.
          if (this.mediaPromise) await this.mediaPromise.catch(() => null);
          this.addLocalTracks();
          await pc.setLocalDescription();
          await this.emit('rtc.answer', { callId: this.callId, sdp: pc.localDescription.sdp });
        }
        const queued = this.pendingCandidates.splice(0);
        for (const c of queued) await this.addCandidate(c);
      } else if (type === 'rtc.candidate') {
        if (!this.pc || !this.pc.remoteDescription) this.pendingCandidates.push(p.candidate);
        else await this.addCandidate(p.candidate);
      }
    } catch (e) {
      console.warn('signal handling failed', type, e);
    }
  }

  async addCandidate(c) {
    if (!c) return;
    const init = typeof c === 'string' ? { candidate: c, sdpMid: '0', sdpMLineIndex: 0 } : c;
    try {
      await this.pc.addIceCandidate(init);
    } catch (e) {
      if (!this.ignoreOffer) console.warn('addIceCandidate failed', e);
    }
  }

  async onConnected() {
    const firstTime = this.state.phase !== 'connected' && this.setupMs == null;
    if (firstTime && this.t0 != null) this.setupMs = Math.round(performance.now() - this.t0);
    if (firstTime) this.connectedAtEpochMs = Date.now(); // wall clock, comparable across tabs (bench)
    this.set({ phase: 'connected', setupMs: this.setupMs });
    if (!this.statsTimer) this.statsTimer = setInterval(() => this.sampleStats(), STATS_EVERY_MS);
    await this.sampleStats();
    if (!this.statsReported) {
      this.statsReported = true;
      const s = this.state.stats || {};
      const res = await this.emit('call.stats', {
        callId: this.callId,
        setupMs: this.setupMs ?? 0,
        localCandidateType: s.localCandidateType || 'unknown',
        remoteCandidateType: s.remoteCandidateType || 'unknown',
        protocol: s.protocol || 'unknown',
        relayProtocol: s.relayProtocol || null,
        rttMs: s.rttMs ?? 0,
        lossPct: s.lossPct ?? 0,
      });
      if (!res || !res.ok) console.warn('call.stats refused', res && res.error);
    }
  }

  async sampleStats() {
    if (!this.pc || this.closed) return;
    let s;
    try {
      s = await readCallStats(this.pc);
    } catch {
      return;
    }
    const q = this.checkQuality(s);
    this.set({ stats: { ...s, recentLossPct: q ? q.metrics.lossPct : null } });
  }

  /**
   * Feeds one stats sample to the quality tracker (quality.js): steps down from video to audio once
   * the network has been poor for a few intervals in a row. Returns the tracker's step.
   */
  checkQuality(s) {
    if (!s || !s.connected) return null;
    const step = nextQuality(this.quality, s);
    this.quality = step.state; // the counters' baseline moves on even while audio only
    if (step.stepDown && !this.state.audioOnly) this.stepDownToAudio(step.stepDown);
    return step;
  }

  async stepDownToAudio(reason) {
    if (!this.pc) return;
    for (const sender of this.pc.getSenders()) {
      if (sender.track && sender.track.kind === 'video') {
        sender.track.stop();
        await sender.replaceTrack(null);
      }
    }
    if (this.localStream) for (const t of this.localStream.getVideoTracks()) this.localStream.removeTrack(t);
    this.set({ audioOnly: true, stepDown: reason, cameraOff: true });
  }

  /** Back to video after a step-down (user's choice). */
  async resumeVideo() {
    if (!this.pc) return;
    try {
      const cam = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      const track = cam.getVideoTracks()[0];
      const sender = this.pc.getSenders().find((s) => s.track == null || (s.track && s.track.kind === 'video'));
      if (sender) await sender.replaceTrack(track);
      else this.pc.addTrack(track, this.localStream);
      this.localStream.addTrack(track);
      this.quality = resetStreak(this.quality);
      this.set({ audioOnly: false, stepDown: null, cameraOff: false, localStream: this.localStream });
    } catch (e) {
      this.set({ stepDown: 'Camera unavailable: audio only' });
    }
  }

  restartIce(why) {
    if (this.closed || !this.pc || this.pc.signalingState === 'closed') return;
    if (!this.pc.remoteDescription) return; // nothing to restart yet
    this.restartPending = true;
    this.set({ restarts: this.state.restarts + 1, restartReason: why });
    this.pc.restartIce(); // -> negotiationneeded -> offer with new ICE credentials
  }

  scheduleIceRefresh() {
    const delay = refreshDelay(this.iceExpiresAt);
    if (delay == null) return;
    this.later(delay, async () => {
      const fresh = await fetchIceServers(this.authToken);
      if (fresh.source === 'server') {
        this.iceServers = fresh.iceServers;
        this.iceExpiresAt = fresh.expiresAt;
        if (this.pc) {
          try {
            this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers: fresh.iceServers });
          } catch (e) {
            console.warn('setConfiguration failed', e);
          }
        }
      }
      this.scheduleIceRefresh();
    });
  }

  toggleMute() {
    const muted = !this.state.muted;
    if (this.localStream) for (const t of this.localStream.getAudioTracks()) t.enabled = !muted;
    this.set({ muted });
  }

  toggleCamera() {
    const cameraOff = !this.state.cameraOff;
    if (this.localStream) for (const t of this.localStream.getVideoTracks()) t.enabled = !cameraOff;
    this.set({ cameraOff });
  }

  close(reason) {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.statsTimer);
    this.timers.forEach((t) => clearTimeout(t));
    window.removeEventListener('online', this.onOnline);
    if (navigator.connection && navigator.connection.removeEventListener) navigator.connection.removeEventListener('change', this.onNetChange);
    if (this.localStream) this.localStream.getTracks().forEach((t) => t.stop());
    if (this.pc) this.pc.close();
    this.set({ phase: 'ended', endReason: reason || null });
  }
}
