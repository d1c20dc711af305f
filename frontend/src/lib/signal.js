// One-off signaling actions outside a session view (e.g. Decline from the ring alert).
import { io } from 'socket.io-client';
import { env } from '../config/env.js';

export function oneShot(auth, event, payload, timeoutMs = 6000) {
  return new Promise((resolve) => {
    const socket = io(`${env.apiBase}/realtime/signaling`, { path: '/socket.io', transports: ['websocket', 'polling'], auth, reconnection: false });
    const done = (res) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve(res);
    };
    const timer = setTimeout(() => done({ ok: false, error: { code: 'unavailable', message: 'No answer in time' } }), timeoutMs);
    // Join first: the server may only accept session actions from a member of the session room.
    socket.on('connect', () =>
      socket.emit('session.join', { sessionId: payload.sessionId }, () => socket.emit(event, payload, (res) => done(res))),
    );
    socket.on('connect_error', (e) => done({ ok: false, error: { code: 'unavailable', message: e.message } }));
  });
}

export const declineSession = (token, sessionId) => oneShot({ token }, 'session.decline', { sessionId });
