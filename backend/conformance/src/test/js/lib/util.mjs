// Small helpers shared by the interop tests (official socket.io-client / engine.io-client against a server).
import { io } from "socket.io-client";
import { test as nodeTest } from "node:test";

/**
 * node:test's test() with a 30 s limit, so a missing ack or event fails that one test with "timed out" instead of
 * hanging the whole file (after(closeAll) then closes the sockets and the process exits).
 */
export function test(name, fn) {
  return nodeTest(name, { timeout: 30_000 }, fn);
}

/** Base URL of the server under test: first CLI argument, or $TARGET_URL. */
export const BASE_URL = process.argv[2] ?? process.env.TARGET_URL;
if (!BASE_URL) {
  console.error("usage: node <test file> http://127.0.0.1:<port>");
  process.exit(2);
}

const opened = new Set();

/** A new client connection (never a cached Manager), reconnection off unless asked; closed by closeAll(). */
export function client(nsp = "/", opts = {}) {
  const s = io(BASE_URL + nsp, { forceNew: true, reconnection: false, timeout: 5000, ...opts });
  opened.add(s);
  return s;
}

/** Remembers anything with a close()/disconnect() so closeAll() can end it (keeps the node process from hanging). */
export function track(closable) {
  opened.add(closable);
  return closable;
}

export function closeAll() {
  for (const s of opened) {
    try {
      if (typeof s.disconnect === "function") s.disconnect();
      else if (typeof s.close === "function") s.close();
    } catch { /* already closed */ }
  }
  opened.clear();
}

/** Resolves with the arguments of the next `event` on `emitter`, rejects after `ms` naming the event. */
export function once(emitter, event, ms = 3000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      reject(new Error(`no '${event}' event within ${ms} ms`));
    }, ms);
    const handler = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    emitter.once(event, handler);
  });
}

/** Resolves when `emitter` does NOT emit `event` within `ms` (rejects if it does). */
export function never(emitter, event, ms) {
  return new Promise((resolve, reject) => {
    const handler = (...args) => {
      clearTimeout(timer);
      reject(new Error(`unexpected '${event}' event: ${JSON.stringify(normalize(args))}`));
    };
    const timer = setTimeout(() => {
      emitter.off(event, handler);
      resolve();
    }, ms);
    emitter.once(event, handler);
  });
}

/** Waits for a socket.io-client socket to connect; a connect_error rejects with the server's message. */
export function connected(socket, ms = 5000) {
  if (socket.connected) return Promise.resolve(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected to ${socket.nsp} within ${ms} ms`)), ms);
    socket.once("connect", () => { clearTimeout(timer); resolve(socket); });
    socket.once("connect_error", (err) => { clearTimeout(timer); reject(new Error(`connect_error on ${socket.nsp}: ${err.message}`)); });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Deep copy in which every Buffer / ArrayBuffer / typed array becomes {bin: [bytes]}, so binary and JSON
 * values compare with assert.deepStrictEqual regardless of how the client hands binary over.
 */
export function normalize(value) {
  if (value === null || value === undefined) return value;
  if (Buffer.isBuffer(value)) return { bin: [...value] };
  if (value instanceof ArrayBuffer) return { bin: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value)) return { bin: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  return value;
}

export const bin = (...bytes) => ({ bin: bytes });

/** Polls `fn` until it returns a truthy value or `ms` passes (then throws with the last value). */
export async function eventually(fn, ms = 3000, step = 50) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(step);
  }
  throw new Error(`condition not met within ${ms} ms (last value: ${JSON.stringify(last)})`);
}
