// The homeowner's live feed over `/realtime/dashboard`: rings, session and call updates for
// this homeowner's doors only (the server scopes it by the token). Every signed-in device
// connects, so every device rings; when one accepts, session.updated stops the others.
import { useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import { env } from '../config/env.js';
import { homeownerAuth } from '../lib/api.js';

export function useDashboard(token) {
  const [connection, setConnection] = useState('connecting');
  const [ringing, setRinging] = useState([]); // [{session, door, at}]
  const [updates, setUpdates] = useState(0); // bumps on any session change (history refresh)
  const [lastSessions, setLastSessions] = useState({}); // id -> session
  const [incomingCalls, setIncomingCalls] = useState([]); // visitor-started calls still ringing
  const socketRef = useRef(null);

  useEffect(() => {
    if (!token) return undefined;
    const socket = io(`${env.apiBase}/realtime/dashboard`, {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      auth: { token },
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
    });
    socketRef.current = socket;
    const upsert = (session) => setLastSessions((m) => ({ ...m, [session.id]: session }));
    socket.on('connect', () => setConnection('online'));
    socket.on('disconnect', () => setConnection('reconnecting'));
    socket.on('connect_error', (err) => {
      setConnection('reconnecting');
      if (err && err.message === 'unauthorized') homeownerAuth.clear();
    });
    socket.on('ring', (p) => {
      if (!p || !p.session) return;
      upsert(p.session);
      setRinging((list) => (list.some((r) => r.session.id === p.session.id) ? list : [...list, { session: p.session, door: p.door, at: Date.now() }]));
      setUpdates((n) => n + 1);
    });
    socket.on('session.updated', (p) => {
      if (!p || !p.session) return;
      upsert(p.session);
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
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [token]);

  const dismiss = (id) => setRinging((list) => list.filter((r) => r.session.id !== id));
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
