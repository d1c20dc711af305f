// Official socket.io-client 4.8 against the server under test: websocket-only, polling-only (with large payloads
// and bursts), polling-then-upgrade, and an oversized message that closes only its own connection.
// Usage: node transports.test.mjs http://127.0.0.1:<port>
import { after } from "node:test";
import assert from "node:assert/strict";
import { test, client, closeAll, connected, once, never, normalize, bin } from "../lib/util.mjs";

after(closeAll);

test("websocket only: connects over websocket directly and exchanges text and binary", async () => {
  const s = client("/", { transports: ["websocket"] });
  await connected(s);
  assert.equal(s.io.engine.transport.name, "websocket");
  const who = await s.emitWithAck("whoami");
  assert.equal(who.transport, "websocket", "the server saw a websocket handshake");
  assert.deepEqual(normalize(await s.emitWithAck("echo", { t: "ws", b: Buffer.from([1, 2]) })), { t: "ws", b: bin(1, 2) });
  s.disconnect();
});

test("default transports: starts with polling, upgrades to websocket, keeps working", async () => {
  const s = client("/");
  const upgraded = once(s.io, "open").then(() => once(s.io.engine, "upgrade", 5000));
  await connected(s);
  const who = await s.emitWithAck("whoami");
  assert.equal(who.transport, "polling", "the handshake was made over polling");
  const [transport] = await upgraded;
  assert.equal(transport.name, "websocket");
  assert.equal(s.io.engine.transport.name, "websocket");
  assert.deepEqual(normalize(await s.emitWithAck("echo", "after upgrade", Buffer.from([3]))), "after upgrade");
  const both = await new Promise((resolve) => s.emit("echo", "x", Buffer.from([3]), (...r) => resolve(r)));
  assert.deepEqual(normalize(both), ["x", bin(3)]);
  s.disconnect();
});

test("messages sent while the upgrade is in progress all arrive, in order", async () => {
  const s = client("/");
  await connected(s);
  const replies = [];
  // emitted right after connect: some travel over polling, some over websocket once the upgrade completes
  const sends = Array.from({ length: 50 }, (_, i) => s.emitWithAck("echo", i).then((r) => replies.push(r)));
  await Promise.all(sends);
  assert.deepEqual(replies, Array.from({ length: 50 }, (_, i) => i));
  s.disconnect();
});

test("a server burst sent while the transport upgrades arrives complete and in order", async () => {
  const s = client("/");
  const upgraded = once(s.io, "open").then(() => once(s.io.engine, "upgrade", 5000));
  const got = [];
  s.on("tick", (i, pad) => got.push(i));
  await connected(s);
  // asked right after connect: the server emits 300 events while the client probes and switches to websocket
  await s.emitWithAck("burst", { event: "tick", count: 300 });
  await upgraded;
  await s.emitWithAck("burst", { event: "tick", count: 0 }); // a round trip after the upgrade: everything has arrived
  assert.equal(got.length, 300);
  assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => i));
  s.disconnect();
});

test("polling only: never upgrades; large text and binary payloads and bursts go through", async () => {
  const s = client("/", { transports: ["polling"] });
  await connected(s);
  assert.equal(s.io.engine.transport.name, "polling");
  const big = "x".repeat(600_000);
  assert.equal(await s.timeout(10000).emitWithAck("echo", big), big);
  const blob = Buffer.alloc(200_000, 7);
  const back = await s.timeout(10000).emitWithAck("echo", blob);
  assert.ok(Buffer.isBuffer(back), "binary comes back as binary over polling (base64 on the wire)");
  assert.ok(back.equals(blob));
  // a burst: the client batches packets into one POST, the server batches replies into one poll response
  const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => s.emitWithAck("echo", { i, pad: "p".repeat(i) })));
  assert.deepEqual(burst.map((r) => r.i), Array.from({ length: 100 }, (_, i) => i));
  await never(s.io.engine, "upgrade", 200);
  assert.equal(s.io.engine.transport.name, "polling");
  s.disconnect();
});

test("websocket: a large payload just under maxPayload goes through", async () => {
  const s = client("/", { transports: ["websocket"] });
  await connected(s);
  const big = "y".repeat(900_000);
  assert.equal(await s.timeout(10000).emitWithAck("echo", big), big);
  s.disconnect();
});

test("a message over maxPayload (1e6 bytes) closes only that connection", async () => {
  const bystander = client("/", { transports: ["websocket"] });
  const s = client("/", { transports: ["websocket"] });
  await connected(bystander);
  await connected(s);
  const gone = once(s, "disconnect", 5000);
  s.emit("echo", "z".repeat(1_200_000));
  const [reason] = await gone;
  assert.ok(["transport close", "transport error"].includes(reason), `reason ${reason}`);
  assert.equal(await bystander.emitWithAck("echo", "still fine"), "still fine");
  bystander.disconnect();
});
