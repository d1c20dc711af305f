// The homeowner's live feed over `/realtime/dashboard`: rings, session and call updates for
// this homeowner's doors only (the server scopes it by the token). Every signed-in device
// connects, so every device rings; when one accepts, session.updated stops the others.
// Live events are lost while the socket is down, so on page load, on every (re)connect and when
// the page becomes visible again it re-reads the ringing sessions over HTTP
// (GET /sessions?status=ringing) and reconciles: a ring it missed starts ringing, a ring that
// ended meanwhile (accepted on another device, declined, missed) stops.
import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import { env } from '../config/env.js';
import { api, ApiError, homeownerAuth } from '../lib/api.js';
import { reconcileRinging } from '../lib/sync.js';

const RINGING_PAGE = 100;
const RINGING_MAX_PAGES = 5;

export function useDashboard(token) {
  const [connection, setConnection] = useState('connecting');
  const [ringing, setRinging] = useState([]); // [{session, door, at}]
  const [updates, setUpdates] = useState(0); // bumps on any session change (history refresh)
  const [lastSessions, setLastSessions] = useState({}); // id -> session
  const [incomingCalls, setIncomingCalls] = useState([]); // visitor-started calls still ringing
  const socketRef = useRef(null);
  // Sessions seen leave `ringing` (or handled on this device): a session never rings again, so a
  // stale read can never bring their alert back.
  const settledRef = useRef(new Set());

  useEffect(() => {
    if (!token) return undefined;
    let closed = false;
    let started = 0; // catch-up reads started
    let applied = 0; // the newest read applied (an older one answering late is ignored)
    const socket = io(`${env.apiBase}/realtime/dashboard`, {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      auth: { token },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    socketRef.current = socket;
    // Debug handle for devtools and the browser tests (e.g. to drop the connection on purpose).
    window.__qring = { ...(window.__qring || {}), dashboard: socket };
    const upsert = (session) => setLastSessions((m) => ({ ...m, [session.id]: session }));

    const catchUp = async () => {
      const my = ++started;
      const startedAt = Date.now();
      const sessions = [];
      try {
        let before = null;
        for (let i = 0; i < RINGING_MAX_PAGES; i++) {
          const q = `/sessions?status=ringing&limit=${RINGING_PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
          const r = await api(q, { token });
          const page = (r && r.sessions) || [];
          sessions.push(...page);
          if (!r || !r.next || page.length < RINGING_PAGE) break;
          before = r.next;
        }
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) homeownerAuth.clear();
        return; // the next connect / visibility change tries again
      }
      if (closed || my < applied) return;
      applied = my;
      const settled = settledRef.current;
      const fresh = sessions.filter((s) => s && s.id && !settled.has(s.id));
      if (fresh.length) setLastSessions((m) => ({ ...m, ...Object.fromEntries(fresh.map((s) => [s.id, s])) }));
      setRinging((list) => {
        const { list: next, dropped } = reconcileRinging(list, sessions, { startedAt, now: Date.now(), settled });
        dropped.forEach((id) => settled.add(id));
        return next;
      });
      setUpdates((n) => n + 1); // lists (feed, history) re-read too
    };
    const onVisible = () => document.visibilityState === 'visible' && catchUp();
    document.addEventListener('visibilitychange', onVisible);
    catchUp(); // page load

    socket.on('connect', () => {
      setConnection('online');
      catchUp();
    });
    socket.on('disconnect', () => setConnection('reconnecting'));
    socket.on('connect_error', (err) => {
      setConnection('reconnecting');
      if (err && err.message === 'unauthorized') homeownerAuth.clear();
    });
    socket.on('ring', (p) => {
      if (!p || !p.session) return;
      if (settledRef.current.has(p.session.id)) return;
      upsert(p.session);
      setRinging((list) => (list.some((r) => r.session.id === p.session.id) ? list : [...list, { session: p.session, door: p.door, at: Date.now() }]));
      setUpdates((n) => n + 1);
    });
    socket.on('session.updated', (p) => {
      if (!p || !p.session) return;
      upsert(p.session);
      if (p.session.status !== 'ringing') settledRef.current.add(p.session.id);
      if (p.session.status !== 'ringing') setRinging((list) => list.filter((r) => r.session.id !== p.session.id));
      setUpdates((n) => n + 1);
    });
    socket.on('call.updated', (p) => {
      setUpdates((n) => n + 1);
      const call = p && p.call;
      if (!call) return;
      setIncomingCalls((list) => {
        const rest = list.filter((c) => c.id !== call.id);
        return call.state === 'ringing' && call.initiatorRole === 'visitor' ? [...rest, call] : rest;
      });
    });
    return () => {
      closed = true;
      document.removeEventListener('visibilitychange', onVisible);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [token]);

  const dismiss = (id) => {
    settledRef.current.add(id); // handled here (accepted / declined): a catch-up must not ring it again
    setRinging((list) => list.filter((r) => r.session.id !== id));
  };
  const dismissCall = (id) => setIncomingCalls((list) => list.filter((c) => c.id !== id));
  return { connection, ringing, dismiss, updates, lastSessions, incomingCalls, dismissCall };
}

/** Doorbell sound (WebAudio oscillator): two soft tones repeated while something rings. */
export class Chime {
  constructor() {
    this.ctx = null;
    this.timer = null;
    // Browsers only allow audio after a user gesture: unlock on the first tap/click/key.
    this.unlock = () => {
      try {
        if (!this.ctx) this.ctx = new (window.AudioContext || window.webkitAudioContext)();
        if (this.ctx.state === 'suspended') this.ctx.resume();
      } catch {
        /* no audio */
      }
    };
    window.addEventListener('pointerdown', this.unlock, { once: false });
    window.addEventListener('keydown', this.unlock, { once: false });
  }

  dingDong() {
    this.unlock();
    const ctx = this.ctx;
    if (!ctx) return;
    const now = ctx.currentTime;
    [
      [659.25, 0],
      [523.25, 0.45],
    ].forEach(([freq, at]) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, now + at);
      gain.gain.exponentialRampToValueAtTime(0.35, now + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + at + 0.9);
      osc.connect(gain).connect(ctx.destination);
      osc.start(now + at);
      osc.stop(now + at + 1);
    });
  }

  start() {
    if (this.timer) return;
    this.dingDong();
    this.timer = setInterval(() => this.dingDong(), 3000);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }

  dispose() {
    this.stop();
    window.removeEventListener('pointerdown', this.unlock);
    window.removeEventListener('keydown', this.unlock);
    if (this.ctx) this.ctx.close().catch(() => {});
  }
}
