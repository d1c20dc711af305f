// ICE servers for calls and diagnostics. Default path: short-lived TURN credentials issued
// by the server (GET /api/v1/ice-servers, or the call.start / call.accept acks). The
// build-time VITE_WEBRTC_ICE_SERVERS list (env.webRtcIceServers) is a static fallback used
// only when the server returns nothing or cannot be reached.
import { api } from '../lib/api.js';
import { env } from '../config/env.js';

/** Fetches `{iceServers, expiresAt (ms since epoch), ttlSeconds}`; falls back to env on failure. */
export async function fetchIceServers(token) {
  try {
    const res = await api('/ice-servers', { token });
    const iceServers = Array.isArray(res && res.iceServers) ? res.iceServers : [];
    const ttl = Number(res && res.ttlSeconds) || 3600;
    const expiresAt = res && res.expiresAt ? Date.parse(res.expiresAt) : Date.now() + ttl * 1000;
    if (iceServers.length) return { iceServers, expiresAt, ttlSeconds: ttl, source: 'server' };
  } catch (e) {
    console.warn('ICE servers could not be fetched; using the static fallback', e && e.code);
  }
  return { iceServers: env.webRtcIceServers, expiresAt: Number.POSITIVE_INFINITY, ttlSeconds: null, source: 'fallback' };
}

/** The server's list when it gave one, else the static fallback. */
export function pickIceServers(fromServer) {
  return Array.isArray(fromServer) && fromServer.length ? fromServer : env.webRtcIceServers;
}

/** When to refresh credentials that expire at `expiresAt`: at 80 % of the remaining time, at least 5 s from now. */
export function refreshDelay(expiresAt) {
  if (!Number.isFinite(expiresAt)) return null;
  const left = expiresAt - Date.now();
  return Math.max(5000, Math.floor(left * 0.8));
}

/** 'udp' | 'tcp' | 'tls' | 'stun' for one ICE URL. */
export function transportOf(url) {
  const u = String(url).toLowerCase();
  if (u.startsWith('stun:') || u.startsWith('stuns:')) return 'stun';
  if (u.startsWith('turns:')) return 'tls';
  if (u.includes('transport=tcp')) return 'tcp';
  return 'udp';
}
