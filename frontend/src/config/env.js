// Build-time and run-time settings of the web app.
//
// ICE servers: the DEFAULT path is server-issued, short-lived TURN credentials
// (GET /api/v1/ice-servers and the acks of call.start / call.accept; see
// src/webrtc/iceServers.js). `VITE_WEBRTC_ICE_SERVERS` (the seed's JSON form) is only a
// STATIC FALLBACK used when the server gives none: whatever is put there is readable by
// anyone who loads the bundle, so an operator should only put STUN or a deliberately
// public TURN entry there.
//
// Relay-only mode (iceTransportPolicy 'relay'): `VITE_WEBRTC_RELAY_ONLY=true` at build
// time, or per browser with `?relay=1` in any URL (remembered in localStorage; `?relay=0`
// clears it) or the switch on the diagnostics page.

const RELAY_KEY = 'qring.relayOnly';

export function parseIceServers(raw) {
  if (!raw || typeof raw !== 'string') return [];
  try {
    const parsed = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((s) => s && (typeof s.urls === 'string' || Array.isArray(s.urls)))
      .map((s) => {
        const entry = { urls: Array.isArray(s.urls) ? s.urls.map(String) : [String(s.urls)] };
        if (s.username != null) entry.username = String(s.username);
        if (s.credential != null) entry.credential = String(s.credential);
        return entry;
      });
  } catch {
    console.warn('VITE_WEBRTC_ICE_SERVERS is not valid JSON; ignoring it');
    return [];
  }
}

function readRelayFlag() {
  try {
    const params = new URLSearchParams(window.location.search);
    if (params.has('relay')) {
      const on = params.get('relay') === '1' || params.get('relay') === 'true';
      if (on) localStorage.setItem(RELAY_KEY, '1');
      else localStorage.removeItem(RELAY_KEY);
    }
    return localStorage.getItem(RELAY_KEY) === '1';
  } catch {
    return false;
  }
}

// Remember a ?relay=1 / ?relay=0 from the URL the app was opened with (the SPA changes the URL later).
readRelayFlag();

// Outside Vite (unit tests under plain Node) import.meta.env does not exist.
const viteEnv = import.meta.env || {};
const buildRelayOnly = String(viteEnv.VITE_WEBRTC_RELAY_ONLY || '').toLowerCase() === 'true';

export const env = {
  /** Static fallback ICE servers from VITE_WEBRTC_ICE_SERVERS (seed JSON form). */
  webRtcIceServers: parseIceServers(viteEnv.VITE_WEBRTC_ICE_SERVERS),
  /** Base URL of the API and Socket.IO server; empty = same origin (the Java server serves this app). */
  apiBase: viteEnv.VITE_API_BASE || '',
  /** Whether calls use only TURN relays (operator setting or diagnostics flag). */
  get relayOnly() {
    return buildRelayOnly || readRelayFlag();
  },
  setRelayOnly(on) {
    try {
      if (on) localStorage.setItem(RELAY_KEY, '1');
      else localStorage.removeItem(RELAY_KEY);
    } catch {
      /* private mode: the flag lasts for this page only */
    }
  },
  relayOnlyFromBuild: buildRelayOnly,
};
