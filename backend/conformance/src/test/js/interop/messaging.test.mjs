// Official socket.io-client 4.8 against the server under test: events and acks both ways, ack timeouts,
// binary (Buffer / Uint8Array) in arguments and in acks, nested, in both directions.
// Usage: node messaging.test.mjs http://127.0.0.1:<port>
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { test, client, closeAll, once, connected, normalize, bin } from "../lib/util.mjs";

let s;
before(async () => { s = client("/"); await connected(s); });
after(closeAll);

test("client -> server emit with ack (callback style), several arguments of every JSON type", async () => {
  const args = ["text ✓ 日本", 42, -1.5, true, false, null, { a: [1, { b: "c" }], empty: {} }, []];
  const reply = await new Promise((resolve) => s.emit("echo", ...args, (...r) => resolve(r)));
  assert.deepEqual(reply, args);
});

test("client -> server emitWithAck (promise style)", async () => {
  assert.deepEqual(await s.emitWithAck("echo", { hello: "world" }), { hello: "world" });
});

test("client -> server ack timeout when the server never acknowledges", async () => {
  const t0 = Date.now();
  await assert.rejects(s.timeout(300).emitWithAck("never-acks", 1), /operation has timed out/);
  assert.ok(Date.now() - t0 >= 280, "the client waited for its timeout");
  assert.ok(s.connected, "a missing ack does not break the connection");
});

test("server -> client emitWithAck: the client's ack arguments reach the server", async () => {
  s.on("question", (a, b, cb) => cb(a + b, "sum"));
  const result = await s.emitWithAck("ask", { event: "question", timeoutMs: 2000, args: [2, 3] });
  assert.deepEqual(result, { ok: true, reply: [5, "sum"] });
});

test("server -> client emitWithAck times out when the client does not ack", async () => {
  s.on("question-silent", () => { /* deliberately no ack */ });
  const t0 = Date.now();
  const result = await s.emitWithAck("ask", { event: "question-silent", timeoutMs: 300, args: ["x"] });
  assert.deepEqual(result, { ok: false, error: "timeout" });
  assert.ok(Date.now() - t0 >= 280, `server waited for its timeout (took ${Date.now() - t0} ms)`);
  assert.ok(s.connected);
});

test("binary client -> server in arguments and back in the ack (Buffer and Uint8Array, nested)", async () => {
  const payload = {
    buf: Buffer.from([1, 2, 3]),
    nested: { list: [Uint8Array.of(4, 5), "x", { deep: Buffer.from([0, 255]) }] },
    empty: Buffer.alloc(0),
  };
  const reply = await new Promise((resolve) => s.emit("echo", payload, Uint8Array.of(9), "tail", (...r) => resolve(r)));
  assert.deepEqual(normalize(reply), [
    { buf: bin(1, 2, 3), nested: { list: [bin(4, 5), "x", { deep: bin(0, 255) }] }, empty: bin() },
    bin(9),
    "tail",
  ]);
  assert.ok(Buffer.isBuffer(reply[0].buf), "binary arrives as binary, not as a JSON array");
});

test("binary server -> client in an event (echo-back) keeps placeholders in place", async () => {
  const p = once(s, "echo-back");
  s.emit("echo-event", "first", { b: Buffer.from([7, 7]) }, [Buffer.from([1]), Buffer.from([2])]);
  const args = await p;
  assert.deepEqual(normalize(args), ["first", { b: bin(7, 7) }, [bin(1), bin(2)]]);
});

test("binary produced by the server: event with nested binary, and emitWithAck whose ack carries binary", async () => {
  const eventP = once(s, "bin-event");
  s.on("bin-ask", (buf, cb) => cb({ got: buf, extra: Buffer.from([0xff]) }));
  const result = await s.emitWithAck("server-binary");
  const [obj, single] = await eventP;
  assert.deepEqual(normalize(obj), { data: bin(1, 2, 3), nested: { list: [bin(4, 5), "x"] } });
  assert.deepEqual(normalize(single), bin(6));
  assert.deepEqual(normalize(result), { ok: true, reply: [{ got: bin(9, 8, 7), extra: bin(255) }] });
});

test("a handler may acknowledge later, from another thread / tick", async () => {
  const t0 = Date.now();
  const reply = await new Promise((resolve) => s.emit("slow-echo", "later", Buffer.from([5]), (...r) => resolve(r)));
  assert.deepEqual(normalize(reply), ["later", bin(5)]);
  assert.ok(Date.now() - t0 >= 45, "the ack came after the handler's delay");
});

test("many concurrent acks are matched to the right requests", async () => {
  const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => s.emitWithAck("echo", i)));
  assert.deepEqual(replies, Array.from({ length: 200 }, (_, i) => i));
});
