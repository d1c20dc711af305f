// HTTP API client for /api/v1 (product.md). Errors become ApiError with the server's
// stable code (`unauthorized`, `forbidden`, `not_found`, `invalid`, `conflict`,
// `rate_limited`, `not_saved`, `unavailable`) or `network` when the server was not reached.
import { env } from '../config/env.js';

const TOKEN_KEY = 'qring.token';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

export const homeownerAuth = {
  get token() {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token) {
    localStorage.setItem(TOKEN_KEY, token);
    window.dispatchEvent(new Event('qring-auth'));
  },
  clear() {
    localStorage.removeItem(TOKEN_KEY);
    window.dispatchEvent(new Event('qring-auth'));
  },
};

export async function api(path, { method = 'GET', body, token, raw = false, signal } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(`${env.apiBase}/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'The server could not be reached. Check your connection.');
  }
  if (raw) {
    if (!res.ok) throw new ApiError(res.status, 'http_' + res.status, res.statusText);
    return res;
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || res.statusText);
  }
  return data;
}

/** Calls `api` with the homeowner token; on 401 forgets the token so the UI shows the login. */
export async function homeownerApi(path, opts = {}) {
  try {
    return await api(path, { ...opts, token: homeownerAuth.token });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) homeownerAuth.clear();
    throw e;
  }
}

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export function errorText(e) {
  if (!e) return '';
  switch (e.code) {
    case 'network':
      return 'No connection to QRing. Check your network and try again.';
    case 'rate_limited':
      return 'Too many attempts. Please wait a moment and try again.';
    case 'not_found':
      return 'Not found.';
    case 'unauthorized':
      return e.message && e.message !== 'unauthorized' ? e.message : 'Please sign in again.';
    default:
      return e.message || 'Something went wrong.';
  }
}
