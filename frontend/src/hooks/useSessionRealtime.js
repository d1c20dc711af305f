// One visitor session over Socket.IO (`/realtime/signaling`, product.md).
//
// What this hook guarantees to the UI:
// - Identity comes only from the connect auth: `{visitorToken}` (visitor) or `{token}` (homeowner).
// - On every (re)connect it re-joins with `afterSeq` = the highest CONTIGUOUS seq it holds (every
//   seq up to it is held), so whatever was stored while it was away arrives from the database;
//   messages are kept by seq, so a replay never shows one twice. The join ack holds at most
//   MESSAGE_PAGE_LIMIT messages: a full one is followed by HTTP pages
//   (GET /sessions/{id}/messages?afterSeq=&limit=) until a short page. A live message that lands
//   beyond the contiguous marker (something in between is missing) makes it fetch the gap over HTTP.
// - Every send has a `clientId` and waits in an outbox persisted in localStorage until the
//   server acks it as stored: unsent messages survive a page reload, and a retry reuses the
//   same clientId (the server returns the stored message instead of writing a second one).
// - Delivery states as the sender sees them:
//     sending   -> in the outbox, not yet acknowledged (or waiting for the connection)
//     not_saved -> the server said it could not store it (or no ack came): automatic retry
//                  with backoff, and a manual Retry
//     saved     -> acked: durably stored
//     delivered -> a device of the other party has it. DECISION: the server pushes every
//                  stored message to everyone in the session room, so a message counts as
//                  delivered once the other party was present in the room (session.presence /
//                  join participants) at or after the time it was saved, or once their read
//                  marker covers it.
//     read      -> the other party's `chat.read` marker covers its seq.
// - `connection` is 'connecting' | 'online' | 'reconnecting' | 'offline' for the banner.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import { env } from '../config/env.js';
import { api, newId } from '../lib/api.js';
import { MESSAGE_PAGE_LIMIT, advanceContiguous, afterCompleteRead, hasGap, mergeBySeq, readAllAfter } from '../lib/sync.js';

const ACK_TIMEOUT_MS = 6000;
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 20000;
const TERMINAL_SESSION = new Set(['declined', 'ended']);
const GAP_CHECK_MS = 300; // a gap often closes by itself (the push of the missing message is in flight)

export function otherRole(role) {
  return role === 'visitor' ? 'homeowner' : 'visitor';
}

/** Whether `participants` (array of {role,...} or strings, or a {role: count|bool|list} map) holds `role`. */
export function isPresent(participants, role) {
  if (!participants) return false;
  if (Array.isArray(participants)) {
    return participants.some((p) => (typeof p === 'string' ? p === role : p && p.role === role && p.online !== false));
  }
  if (typeof participants === 'object') {
    const v = participants[role];
    if (Array.isArray(v)) return v.length > 0;
    if (typeof v === 'number') return v > 0;
    if (v && typeof v === 'object') return v.online !== false && (v.count == null || v.count > 0);
    return Boolean(v);
  }
  return false;
}

function outboxKey(sessionId, role) {
  return `qring.outbox.${role}.${sessionId}`;
}
function loadOutbox(sessionId, role) {
  try {
    const raw = localStorage.getItem(outboxKey(sessionId, role));
    const list = raw ? JSON.parse(raw) : [];
    // After a reload nothing is in flight: everything is waiting to be (re)sent.
    return Array.isArray(list) ? list.map((m) => ({ ...m, state: m.state === 'failed' ? 'failed' : 'sending', inFlight: false })) : [];
  } catch {
    return [];
  }
}
function saveOutbox(sessionId, role, list) {
  try {
    const keep = list.map(({ clientId, text, createdAt, state, attempts, error }) => ({ clientId, text, createdAt, state, attempts, error }));
    if (keep.length) localStorage.setItem(outboxKey(sessionId, role), JSON.stringify(keep));
    else localStorage.removeItem(outboxKey(sessionId, role));
  } catch {
    /* storage full or disabled: the outbox lives in memory only */
  }
}

function ackError(e) {
  if (e && e.error) return e.error;
  return { code: 'not_saved', message: e && e.message ? e.message : 'No answer from the server' };
}

/**
 * @param {string} sessionId
 * @param {{visitorToken?: string, token?: string}} auth
 * @param {'visitor'|'homeowner'} role
 */
export function useSessionRealtime(sessionId, auth, role) {
  const [connection, setConnection] = useState('connecting');
  const [joinError, setJoinError] = useState(null);
  const [session, setSession] = useState(null);
  const [participants, setParticipants] = useState(null);
  const [activeCall, setActiveCall] = useState(null);
  const [messagesBySeq, setMessagesBySeq] = useState(() => new Map());
  const [outbox, setOutbox] = useState(() => loadOutbox(sessionId, role));
  const [otherReadUpto, setOtherReadUpto] = useState(0);
  const [deliveredUpto, setDeliveredUpto] = useState(0);
  const [otherTyping, setOtherTyping] = useState(false);
  const [joined, setJoined] = useState(false);

  const socketRef = useRef(null);
  const maxSeqRef = useRef(0); // highest seq held (delivery marks)
  const contiguousRef = useRef(0); // every seq 1..contiguous is held: the afterSeq for re-joins
  const heldRef = useRef(new Set()); // seqs held
  const outboxRef = useRef(outbox);
  const retryTimers = useRef(new Map());
  const flushingRef = useRef(false);
  const rtcHandlers = useRef(new Set());
  const participantsRef = useRef(null);
  const lastReadSentRef = useRef(0);
  const typingTimerRef = useRef(null);
  const joinedRef = useRef(false);
  const mountedRef = useRef(true);

  const other = otherRole(role);
  const authKey = auth.visitorToken || auth.token || '';

  const updateOutbox = useCallback(
    (fn) => {
      const next = fn(outboxRef.current);
      outboxRef.current = next;
      saveOutbox(sessionId, role, next);
      if (mountedRef.current) setOutbox(next);
    },
    [sessionId, role],
  );

  const addMessages = useCallback(
    (list) => {
      if (!list || !list.length) return;
      setMessagesBySeq((prev) => mergeBySeq(prev, list));
      let max = maxSeqRef.current;
      for (const m of list) {
        if (!m || typeof m.seq !== 'number') continue;
        heldRef.current.add(m.seq);
        if (m.seq > max) max = m.seq;
      }
      maxSeqRef.current = max;
      contiguousRef.current = advanceContiguous(contiguousRef.current, heldRef.current);
      // A stored message of ours is no longer an outbox item.
      const mine = new Set(list.filter((m) => m && m.senderRole === role).map((m) => m.clientId));
      if (mine.size && outboxRef.current.some((o) => mine.has(o.clientId))) {
        updateOutbox((ob) => ob.filter((o) => !mine.has(o.clientId)));
      }
      if (isPresent(participantsRef.current, other)) setDeliveredUpto((d) => Math.max(d, max));
    },
    [role, other, updateOutbox],
  );

  const applyParticipants = useCallback(
    (p) => {
      participantsRef.current = p;
      setParticipants(p);
      if (isPresent(p, other)) setDeliveredUpto((d) => Math.max(d, maxSeqRef.current));
    },
    [other],
  );

  // ---- sending -------------------------------------------------------------------------
  const sendOne = useCallback(
    async (clientId) => {
      const socket = socketRef.current;
      const item = outboxRef.current.find((o) => o.clientId === clientId);
      if (!item || item.inFlight || item.state === 'failed') return;
      if (!socket || !socket.connected || !joinedRef.current) {
        updateOutbox((ob) => ob.map((o) => (o.clientId === clientId ? { ...o, state: o.state === 'not_saved' ? 'not_saved' : 'sending' } : o)));
        return; // flushed on the next join
      }
      clearTimeout(retryTimers.current.get(clientId));
      retryTimers.current.delete(clientId);
      updateOutbox((ob) => ob.map((o) => (o.clientId === clientId ? { ...o, inFlight: true, state: o.state === 'not_saved' ? 'not_saved' : 'sending' } : o)));
      let res;
      try {
        res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('chat.send', { sessionId, clientId, text: item.text });
      } catch (e) {
        res = { ok: false, error: { code: 'not_saved', message: 'No answer from the server in time' } };
      }
      if (res && res.ok && res.message) {
        addMessages([res.message]);
        updateOutbox((ob) => ob.filter((o) => o.clientId !== clientId));
        return;
      }
      const err = ackError(res);
      const retryable = ['not_saved', 'unavailable', 'rate_limited'].includes(err.code);
      updateOutbox((ob) =>
        ob.map((o) =>
          o.clientId === clientId
            ? { ...o, inFlight: false, state: retryable ? 'not_saved' : 'failed', error: err, attempts: (o.attempts || 0) + 1 }
            : o,
        ),
      );
      if (retryable && mountedRef.current) {
        const attempts = (outboxRef.current.find((o) => o.clientId === clientId) || {}).attempts || 1;
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempts - 1)) * (0.8 + Math.random() * 0.4);
        retryTimers.current.set(clientId, setTimeout(() => sendOne(clientId), delay));
      }
    },
    [sessionId, addMessages, updateOutbox],
  );

  const flushOutbox = useCallback(
    async (includeNotSaved = false) => {
      if (flushingRef.current) return;
      flushingRef.current = true;
      const tried = new Set();
      try {
        // In order, one at a time, so the other side sees them in the order they were typed.
        // Re-scans after each send so messages typed meanwhile are picked up too.
        for (;;) {
          if (!socketRef.current || !socketRef.current.connected || !joinedRef.current) break;
          const next = outboxRef.current.find(
            (o) => !tried.has(o.clientId) && !o.inFlight && (o.state === 'sending' || (includeNotSaved && o.state === 'not_saved')),
          );
          if (!next) break;
          tried.add(next.clientId);
          await sendOne(next.clientId);
        }
      } finally {
        flushingRef.current = false;
      }
    },
    [sendOne],
  );

  const send = useCallback(
    (text) => {
      const body = String(text || '').trim();
      if (!body) return false;
      const clientId = newId();
      updateOutbox((ob) => [...ob, { clientId, text: body, createdAt: new Date().toISOString(), state: 'sending', attempts: 0 }]);
      if (!flushingRef.current) sendOne(clientId);
      return true;
    },
    [sendOne, updateOutbox],
  );

  const retry = useCallback(
    (clientId) => {
      updateOutbox((ob) => ob.map((o) => (o.clientId === clientId ? { ...o, state: 'sending', attempts: 0 } : o)));
      sendOne(clientId);
    },
    [sendOne, updateOutbox],
  );

  const discard = useCallback(
    (clientId) => {
      clearTimeout(retryTimers.current.get(clientId));
      updateOutbox((ob) => ob.filter((o) => o.clientId !== clientId));
    },
    [updateOutbox],
  );

  /** Emits any client→server event and resolves with its ack ({ok:false,...} on timeout). */
  const emit = useCallback(async (event, payload, timeoutMs = ACK_TIMEOUT_MS) => {
    const socket = socketRef.current;
    if (!socket || !socket.connected) return { ok: false, error: { code: 'unavailable', message: 'Not connected' } };
    try {
      return await socket.timeout(timeoutMs).emitWithAck(event, payload);
    } catch {
      return { ok: false, error: { code: 'unavailable', message: 'No answer from the server in time' } };
    }
  }, []);

  const setTyping = useCallback(
    (typing) => {
      const socket = socketRef.current;
      if (!socket || !socket.connected) return;
      socket.emit('chat.typing', { sessionId, typing: Boolean(typing) }, () => {});
    },
    [sessionId],
  );

  /** Subscribes to rtc.offer / rtc.answer / rtc.candidate and call.updated; returns an unsubscribe. */
  const onRtc = useCallback((handler) => {
    rtcHandlers.current.add(handler);
    return () => rtcHandlers.current.delete(handler);
  }, []);

  // ---- connection lifecycle ---------------------------------------------------------------
  useEffect(() => {
    mountedRef.current = true;
    if (!sessionId || !authKey) return undefined;
    const socket = io(`${env.apiBase}/realtime/signaling`, {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      auth: auth.visitorToken ? { visitorToken: auth.visitorToken } : { token: auth.token },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    socketRef.current = socket;
    // Debug handle for devtools and the browser tests (e.g. to drop the connection on purpose).
    window.__qring = { ...(window.__qring || {}), signaling: socket };
    const dispatch = (type, payload) => rtcHandlers.current.forEach((h) => h(type, payload));
    let closed = false;
    let gapTimer = null;
    let gapBusy = false;

    // ---- catching up over HTTP: GET /sessions/{id}/messages?afterSeq=&limit= ----------------
    const bearer = auth.visitorToken || auth.token;
    const fetchPage = async (afterSeq, limit) => {
      const r = await api(`/sessions/${encodeURIComponent(sessionId)}/messages?afterSeq=${afterSeq}&limit=${limit}`, { token: bearer });
      return r && Array.isArray(r.messages) ? r.messages : [];
    };
    // Reads everything after `from` (`first` = what an earlier read from `from` already returned) and,
    // once the read is complete (a short page), moves the contiguous marker across what it proved.
    const readRest = async (from, first = []) => {
      let start = from;
      for (const m of first) if (m && m.seq > start) start = m.seq;
      const { messages, complete } = await readAllAfter(fetchPage, start, MESSAGE_PAGE_LIMIT);
      if (closed) return;
      addMessages(messages);
      if (complete) contiguousRef.current = afterCompleteRead(contiguousRef.current, from, [...first, ...messages], heldRef.current);
    };
    // A held seq beyond the contiguous marker: fetch what is in between (after a short wait, since
    // the push of the missing message is usually already on its way).
    // Not debounced: a stream of live messages must not keep postponing the check.
    const checkGap = (delay = GAP_CHECK_MS) => {
      if (gapTimer || closed) return;
      gapTimer = setTimeout(async () => {
        gapTimer = null;
        if (closed || !hasGap(contiguousRef.current, heldRef.current)) return;
        if (gapBusy) {
          checkGap();
          return;
        }
        gapBusy = true;
        let failed = false;
        try {
          await readRest(contiguousRef.current);
        } catch {
          failed = true;
        } finally {
          gapBusy = false;
        }
        // Still a gap (a failed read, or more arrived meanwhile): try again while connected; a
        // re-join after a disconnect asks from the contiguous marker anyway.
        if (!closed && socket.connected && hasGap(contiguousRef.current, heldRef.current)) checkGap(failed ? 3000 : GAP_CHECK_MS);
      }, delay);
    };
    // The join ack was full (MESSAGE_PAGE_LIMIT messages): page on over HTTP until a short page.
    const pageAfterJoin = async (from, first, attempt = 0) => {
      try {
        await readRest(from, first);
        if (!closed && hasGap(contiguousRef.current, heldRef.current)) checkGap();
      } catch {
        if (!closed && attempt < 5 && socketRef.current === socket) setTimeout(() => pageAfterJoin(from, first, attempt + 1), 2000 * (attempt + 1));
      }
    };

    const join = async () => {
      joinedRef.current = false;
      const afterSeq = contiguousRef.current;
      let res;
      try {
        res = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('session.join', { sessionId, afterSeq });
      } catch {
        res = { ok: false, error: { code: 'unavailable', message: 'No answer to join' } };
      }
      if (!mountedRef.current || socketRef.current !== socket) return;
      if (!res || !res.ok) {
        const err = ackError(res);
        setJoinError(err);
        if (err.code === 'unavailable' || err.code === 'not_saved') setTimeout(() => socket.connected && join(), 2000);
        return;
      }
      setJoinError(null);
      if (res.session) setSession(res.session);
      applyParticipants(res.participants);
      setActiveCall(res.activeCall || null);
      const replay = Array.isArray(res.messages) ? res.messages : [];
      addMessages(replay);
      const truncated = replay.length >= MESSAGE_PAGE_LIMIT; // the ack says nothing about "more"
      if (!truncated) contiguousRef.current = afterCompleteRead(contiguousRef.current, afterSeq, replay, heldRef.current);
      joinedRef.current = true;
      setJoined(true);
      setConnection('online');
      dispatch('joined', res);
      flushOutbox(true);
      if (truncated) pageAfterJoin(afterSeq, replay);
      else if (hasGap(contiguousRef.current, heldRef.current)) checkGap();
    };

    socket.on('connect', join);
    socket.on('disconnect', (reason) => {
      joinedRef.current = false;
      setJoined(false);
      setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
      if (reason === 'io server disconnect') socket.connect();
      // Messages in flight lose their ack: mark them waiting; they are resent after the re-join.
      updateOutbox((ob) => ob.map((o) => (o.inFlight ? { ...o, inFlight: false } : o)));
    });
    socket.on('connect_error', (err) => {
      setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
      if (err && err.message === 'unauthorized') {
        setJoinError({ code: 'unauthorized', message: 'This link has expired.' });
        socket.disconnect();
      }
    });
    socket.on('session.updated', (p) => p && p.session && p.session.id === sessionId && setSession(p.session));
    socket.on('session.presence', (p) => p && applyParticipants(p.participants));
    socket.on('chat.message', (p) => {
      if (!p || !p.message || p.message.sessionId !== sessionId) return;
      addMessages([p.message]);
      if (hasGap(contiguousRef.current, heldRef.current)) checkGap();
    });
    socket.on('chat.read', (p) => {
      if (p && p.role === other && typeof p.uptoSeq === 'number') {
        setOtherReadUpto((r) => Math.max(r, p.uptoSeq));
        setDeliveredUpto((d) => Math.max(d, p.uptoSeq));
      }
    });
    socket.on('chat.typing', (p) => {
      if (!p || (p.role && p.role !== other)) return;
      setOtherTyping(Boolean(p.typing));
      clearTimeout(typingTimerRef.current);
      if (p.typing) typingTimerRef.current = setTimeout(() => setOtherTyping(false), 6000);
    });
    socket.on('call.updated', (p) => {
      if (!p || !p.call) return;
      setActiveCall(p.call);
      dispatch('call.updated', p);
    });
    for (const ev of ['rtc.offer', 'rtc.answer', 'rtc.candidate']) socket.on(ev, (p) => dispatch(ev, p));

    const onOffline = () => setConnection('offline');
    const onOnline = () => {
      if (!socket.connected) {
        setConnection('reconnecting');
        socket.connect();
      }
    };
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    const timers = retryTimers.current;
    return () => {
      closed = true;
      clearTimeout(gapTimer);
      mountedRef.current = false;
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      timers.forEach((t) => clearTimeout(t));
      timers.clear();
      clearTimeout(typingTimerRef.current);
      socket.removeAllListeners();
      socket.disconnect();
      if (socketRef.current === socket) socketRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sessionId, authKey]);

  // ---- read receipts: mark the other party's messages read while the page is visible --------
  const messages = useMemo(() => [...messagesBySeq.values()].sort((a, b) => a.seq - b.seq), [messagesBySeq]);
  useEffect(() => {
    if (!joined) return undefined;
    const markRead = () => {
      if (document.visibilityState !== 'visible') return;
      let upto = 0;
      for (const m of messages) if (m.senderRole === other && m.seq > upto) upto = m.seq;
      if (upto > lastReadSentRef.current && socketRef.current && socketRef.current.connected) {
        lastReadSentRef.current = upto;
        socketRef.current.emit('chat.read', { sessionId, uptoSeq: upto }, (res) => {
          if (!res || !res.ok) lastReadSentRef.current = 0; // try again on the next change
        });
      }
    };
    markRead();
    document.addEventListener('visibilitychange', markRead);
    return () => document.removeEventListener('visibilitychange', markRead);
  }, [messages, joined, other, sessionId]);

  // ---- the list the UI renders: stored messages by seq, then our unsent ones -----------------
  const items = useMemo(() => {
    const stored = messages.map((m) => {
      const mine = m.senderRole === role;
      let state = null;
      if (mine) state = otherReadUpto >= m.seq ? 'read' : deliveredUpto >= m.seq ? 'delivered' : 'saved';
      return { key: `s${m.seq}`, seq: m.seq, clientId: m.clientId, body: m.body, senderRole: m.senderRole, createdAt: m.createdAt, mine, state };
    });
    const storedMine = new Set(messages.filter((m) => m.senderRole === role).map((m) => m.clientId));
    const pending = outbox
      .filter((o) => !storedMine.has(o.clientId))
      .map((o) => ({ key: `c${o.clientId}`, clientId: o.clientId, body: o.text, senderRole: role, createdAt: o.createdAt, mine: true, state: o.state, error: o.error, retrying: o.inFlight }));
    return [...stored, ...pending];
  }, [messages, outbox, role, otherReadUpto, deliveredUpto]);

  // Before the first join the composer is open: sends wait in the outbox until joined.
  const chatOpen = session ? !TERMINAL_SESSION.has(session.status) : true;

  return {
    connection,
    joined,
    joinError,
    session,
    setSession,
    participants,
    otherPresent: isPresent(participants, other),
    activeCall,
    setActiveCall,
    items,
    otherTyping,
    chatOpen,
    send,
    retry,
    discard,
    setTyping,
    emit,
    onRtc,
  };
}
