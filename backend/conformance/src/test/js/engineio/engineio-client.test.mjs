// Official engine.io-client 6.6 against an Engine.IO echo server at /engine.io/ (the conformance "engineio" mode):
// text and binary echo on each transport, and the polling -> websocket upgrade.
// Usage: node engineio-client.test.mjs http://127.0.0.1:<port>
import { after } from "node:test";
import assert from "node:assert/strict";
import { Socket } from "engine.io-client";
import { test, BASE_URL, track, closeAll, once, never, normalize, bin } from "../lib/util.mjs";

after(closeAll);

function open(opts) {
  const s = track(new Socket(BASE_URL, { path: "/engine.io/", ...opts }));
  s.once("handshake", (data) => { s.handshakeData = data; });
  return once(s, "open", 5000).then(() => s);
}

/** Sends each item and collects as many echoed messages. */
async function roundTrip(s, items) {
  const got = [];
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length}/${items.length} echoes`)), 5000);
    s.on("message", (m) => { got.push(m); if (got.length === items.length) { clearTimeout(timer); resolve(); } });
  });
  for (const it of items) s.send(it);
  await done;
  s.off("message");
  return got;
}

for (const transport of ["websocket", "polling"]) {
  test(`${transport} only: handshake values of the conformance mode`, async () => {
    const s = await open({ transports: [transport] });
    assert.equal(s.transport.name, transport);
    const hs = s.handshakeData;
    assert.ok(typeof hs.sid === "string" && hs.sid.length > 0);
    assert.equal(s.id, hs.sid);
    assert.deepEqual(hs.upgrades, transport === "polling" ? ["websocket"] : []);
    assert.equal(hs.pingInterval, 300);
    assert.equal(hs.pingTimeout, 200);
    assert.equal(hs.maxPayload, 1000000);
    s.close();
  });

  test(`${transport} only: text and binary messages are echoed, in order`, async () => {
    const s = await open({ transports: [transport], upgrade: false });
    const big = "x".repeat(100_000);
    const items = ["hello", "ünïcödé ✓", Buffer.from([1, 2, 3, 4]), Uint8Array.of(0, 255), big, Buffer.alloc(50_000, 3)];
    const got = await roundTrip(s, items);
    const short = (v) => (typeof v === "string" && v.length > 100 ? `<string of ${v.length}>` : v);
    assert.deepEqual(normalize(got.slice(0, 4)), ["hello", "ünïcödé ✓", bin(1, 2, 3, 4), bin(0, 255)]);
    assert.equal(short(got[4]), short(big));
    assert.ok(Buffer.isBuffer(got[5]) && got[5].equals(items[5]), "50 KB of binary echoed intact");
    assert.equal(s.transport.name, transport);
    s.close();
  });

  test(`${transport} only: the connection stays up across several heartbeats`, async () => {
    const s = await open({ transports: [transport], upgrade: false });
    await never(s, "close", 1200); // pingInterval 300 + pingTimeout 200: the client answers every ping in time
    assert.equal(s.readyState, "open");
    assert.deepEqual(await roundTrip(s, ["alive"]), ["alive"]);
    s.close();
  });
}

test("default transports: polling upgrades to websocket and echo keeps working", async () => {
  const s = track(new Socket(BASE_URL, { path: "/engine.io/" }));
  const upgradeP = once(s, "upgrade", 5000);
  await once(s, "open");
  assert.equal(s.transport.name, "polling");
  const [t] = await upgradeP;
  assert.equal(t.name, "websocket");
  assert.equal(s.transport.name, "websocket");
  assert.deepEqual(normalize(await roundTrip(s, ["after", Buffer.from([9])])), ["after", bin(9)]);
  s.close();
});

test("messages sent during the upgrade are all echoed, in order", async () => {
  const s = track(new Socket(BASE_URL, { path: "/engine.io/" }));
  await once(s, "open");
  const items = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? Buffer.from([i]) : `m${i}`));
  const got = await roundTrip(s, items);
  assert.deepEqual(normalize(got), normalize(items));
  s.close();
});

test("client close is clean: 'forced close' on the client", async () => {
  const s = await open({ transports: ["websocket"] });
  const closed = once(s, "close");
  s.close();
  const [reason] = await closed;
  assert.equal(reason, "forced close");
});
