// Raw Engine.IO / Socket.IO wire helpers for the protocol suites: a WebSocket (package `ws`) that queues every
// frame so none is lost between two awaits, plus fetch-based long-polling.
import WebSocket from "ws";

export const BASE_URL = (process.argv[2] ?? process.env.TARGET_URL ?? "http://localhost:3000").replace(/\/$/, "");
export const WS_URL = BASE_URL.replace(/^http/, "ws");

/** Timings of the conformance mode (issue 2 item 8; the official suites hard-code the same values). */
export const PING_INTERVAL = 300;
export const PING_TIMEOUT = 200;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const live = new Set();

/** Closes every RawSocket still open (call from after()). */
export function closeAllRaw() {
  for (const s of live) s.terminate();
  live.clear();
}

/**
 * One raw WebSocket. Text frames are delivered as strings, binary frames as ArrayBuffer (like a browser WebSocket
 * with binaryType "arraybuffer"). next() returns frames in arrival order; closed() resolves once the server closed
 * or refused the connection.
 */
export class RawSocket {
  constructor(url) {
    this.url = url;
    this.frames = [];
    this.waiters = [];
    this.isClosed = false;
    this.ws = new WebSocket(url);
    this.ws.binaryType = "arraybuffer";
    live.add(this);
    this.openP = new Promise((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("close", () => reject(new Error(`websocket ${url} closed before opening`)));
    });
    this.openP.catch(() => {});
    this.closeP = new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
    this.ws.on("error", () => { /* a refused upgrade shows up as error + close; close is what the tests look at */ });
    this.ws.on("message", (data, isBinary) => this.push(isBinary ? toArrayBuffer(data) : data.toString()));
    this.ws.on("close", () => {
      this.isClosed = true;
      live.delete(this);
      for (const w of this.waiters.splice(0)) w.reject(new Error(`connection closed while waiting for a frame (${url})`));
    });
  }

  push(frame) {
    const w = this.waiters.shift();
    if (w) w.resolve(frame);
    else this.frames.push(frame);
  }

  opened(ms = 2000) { return withTimeout(this.openP, ms, `websocket not open within ${ms} ms`); }

  /** The next frame, in order; rejects when none arrives within `ms` or the connection closes first. */
  next(ms = 2000) {
    if (this.frames.length) return Promise.resolve(this.frames.shift());
    if (this.isClosed) return Promise.reject(new Error("connection already closed, no more frames"));
    return new Promise((resolve, reject) => {
      const w = { resolve: (v) => { clearTimeout(t); resolve(v); }, reject: (e) => { clearTimeout(t); reject(e); } };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no frame within ${ms} ms`));
      }, ms);
      this.waiters.push(w);
    });
  }

  /** The next `count` frames, skipping Engine.IO pings ("2"). */
  async nextPackets(count, ms = 2000) {
    const out = [];
    while (out.length < count) {
      const f = await this.next(ms);
      if (f !== "2") out.push(f);
    }
    return out;
  }

  /** Resolves with {code, reason} once closed; rejects if still open after `ms`. */
  closed(ms = 2000) { return withTimeout(this.closeP, ms, `connection still open after ${ms} ms`); }

  send(data) { this.ws.send(data); }

  close() { this.ws.close(); }

  terminate() { this.ws.terminate(); }
}

function toArrayBuffer(data) {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

export function withTimeout(promise, ms, message) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(message)), ms); }),
  ]).finally(() => clearTimeout(t));
}

export const bytes = (...b) => Uint8Array.from(b).buffer;

/** GET or POST on the polling endpoint; resolves with {status, text, headers}. */
export async function http(path, init = {}) {
  const res = await fetch(BASE_URL + path, { ...init, signal: init.signal ?? AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}
