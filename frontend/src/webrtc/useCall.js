// Binds a CallSession to the session's signaling (useSessionRealtime) and the server's call
// record. The server owns the call state; this hook only reacts to it and to user actions.
import { useCallback, useEffect, useRef, useState } from 'react';
import { CallSession } from './CallSession.js';
import { fetchIceServers } from './iceServers.js';
import { newId } from '../lib/api.js';

const TERMINAL = new Set(['ended', 'declined', 'missed', 'cancelled', 'failed']);

export function useCall(rt, role, authToken) {
  const [leg, setLeg] = useState(null); // CallSession state for the UI
  const [lastEnded, setLastEnded] = useState(null);
  const [error, setError] = useState(null);
  const sessionRef = useRef(null);
  const iceRef = useRef(null);
  const { onRtc, emit, activeCall, session } = rt;

  // Prefetch ICE servers (fallback when an ack carries none) and keep them fresh.
  useEffect(() => {
    let stop = false;
    let timer;
    const load = async () => {
      const r = await fetchIceServers(authToken);
      if (stop) return;
      iceRef.current = r;
      if (Number.isFinite(r.expiresAt)) timer = setTimeout(load, Math.max(5000, (r.expiresAt - Date.now()) * 0.8));
    };
    if (authToken) load();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [authToken]);

  const endLocal = useCallback((call) => {
    const s = sessionRef.current;
    if (s) {
      s.close(call && call.endReason);
      sessionRef.current = null;
    }
    setLeg(null);
    if (call) setLastEnded(call);
  }, []);

  const makeSession = useCallback(
    (call, polite, iceServers) => {
      const ice = iceRef.current || {};
      const cs = new CallSession({
        call,
        polite,
        iceServers: iceServers && iceServers.length ? iceServers : ice.iceServers,
        iceExpiresAt: iceServers && iceServers.length ? Date.now() + (ice.ttlSeconds || 3600) * 1000 : ice.expiresAt,
        authToken,
        emit,
        onChange: (st) => setLeg({ ...st }),
      });
      sessionRef.current = cs;
      // Debug handle for operators in devtools and for the browser tests (reads getStats()).
      window.__qring = { ...(window.__qring || {}), call: cs };
      setLeg({ ...cs.state });
      return cs;
    },
    [authToken, emit],
  );

  // Signaling events for the live leg.
  useEffect(
    () =>
      onRtc((type, p) => {
        const cs = sessionRef.current;
        if (type === 'call.updated') {
          const call = p.call;
          if (!cs || call.id !== cs.callId) return;
          cs.call = call;
          if (TERMINAL.has(call.state)) endLocal(call);
          else if (call.state === 'accepted' || call.state === 'connecting' || call.state === 'connected') cs.markAccepted();
          setLeg((l) => (l ? { ...l, call } : l));
          return;
        }
        if (type === 'joined') {
          // Signaling came back: if our call still lives, recover media with an ICE restart.
          const live = p.activeCall;
          if (cs && live && live.id === cs.callId && !TERMINAL.has(live.state)) cs.restartIce('signaling reconnected');
          else if (cs && (!live || live.id !== cs.callId)) endLocal(live && live.id === cs.callId ? live : null);
          return;
        }
        if (cs) cs.handleSignal(type, p);
      }),
    [onRtc, endLocal],
  );

  useEffect(() => () => sessionRef.current && sessionRef.current.close('left'), []);

  const start = useCallback(
    async (media) => {
      setError(null);
      const res = await emit('call.start', { sessionId: session.id, clientCallId: newId(), media });
      if (!res || !res.ok) {
        setError((res && res.error && res.error.message) || 'The call could not be started.');
        return;
      }
      const cs = makeSession(res.call, true, res.iceServers);
      cs.set({ phase: 'outgoing' });
      try {
        await cs.startMedia();
      } catch (e) {
        setError('Microphone unavailable: ' + e.message);
      }
    },
    [emit, session, makeSession],
  );

  const accept = useCallback(async () => {
    if (!activeCall) return;
    setError(null);
    const t0 = performance.now();
    const call = activeCall;
    const mediaPromise = navigator.mediaDevices
      .getUserMedia({ audio: true, video: call.media === 'video' ? { width: 640, height: 480 } : false })
      .catch(() => navigator.mediaDevices.getUserMedia({ audio: true, video: false }));
    const res = await emit('call.accept', { callId: call.id });
    if (!res || !res.ok) {
      mediaPromise.then((s) => s.getTracks().forEach((t) => t.stop())).catch(() => {});
      setError((res && res.error && res.error.message) || 'The call could not be accepted.');
      return;
    }
    const cs = makeSession(res.call || call, false, res.iceServers);
    try {
      cs.localStream = await mediaPromise;
      if (call.media === 'video' && !cs.localStream.getVideoTracks().length) cs.set({ audioOnly: true, stepDown: 'Camera unavailable: audio only' });
      cs.set({ localStream: cs.localStream });
    } catch (e) {
      setError('Microphone unavailable: ' + e.message);
    }
    cs.beginAsAccepter(t0);
  }, [activeCall, emit, makeSession]);

  const decline = useCallback(async () => {
    if (!activeCall) return;
    await emit('call.decline', { callId: activeCall.id });
  }, [activeCall, emit]);

  const hangup = useCallback(async () => {
    const cs = sessionRef.current;
    const callId = cs ? cs.callId : activeCall && activeCall.id;
    if (!callId) return;
    const ringing = cs && cs.call && cs.call.state === 'ringing';
    const res = await emit(ringing ? 'call.cancel' : 'call.end', { callId });
    endLocal(res && res.call ? res.call : { ...(cs ? cs.call : activeCall), state: 'ended', endReason: 'hangup' });
  }, [activeCall, emit, endLocal]);

  const incoming =
    !leg && activeCall && activeCall.state === 'ringing' && activeCall.initiatorRole !== role ? activeCall : null;
  const elsewhere =
    !leg && activeCall && !TERMINAL.has(activeCall.state) && activeCall.state !== 'ringing' ? activeCall : null;

  return {
    leg,
    session: sessionRef,
    incoming,
    elsewhere,
    lastEnded,
    error,
    start,
    accept,
    decline,
    hangup,
    toggleMute: () => sessionRef.current && sessionRef.current.toggleMute(),
    toggleCamera: () => sessionRef.current && sessionRef.current.toggleCamera(),
    resumeVideo: () => sessionRef.current && sessionRef.current.resumeVideo(),
  };
}
