// Official socket.io-client 4.8 against the server under test: rooms (join, leave, broadcast to a room, except,
// sender excluded, outsiders never reached).
// Usage: node rooms.test.mjs http://127.0.0.1:<port>
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { test, client, closeAll, connected, normalize, once } from "../lib/util.mjs";

const names = ["alice", "bob", "carol", "dave"];
const sockets = {};
const inbox = {};
let markerCount = 0;

before(async () => {
  for (const n of names) {
    sockets[n] = client("/");
    inbox[n] = [];
    sockets[n].onAny((event, payload) => { if (event !== "marker") inbox[n].push([event, payload]); });
  }
  await Promise.all(names.map((n) => connected(sockets[n])));
});
after(closeAll);

/**
 * Broadcasts a marker to the whole namespace and waits until every client got it. A connection delivers in order,
 * so once a client has the marker it has also received every earlier broadcast meant for it: what is in its inbox
 * then is exactly what it got.
 */
async function settle() {
  const marker = ++markerCount;
  const waits = names.map((n) => new Promise((resolve) => {
    const h = (m) => { if (m === marker) { sockets[n].off("marker", h); resolve(); } };
    sockets[n].on("marker", h);
  }));
  await sockets.alice.emitWithAck("everyone", { event: "marker", payload: marker });
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("marker not delivered to everyone")), 3000); });
  try {
    await Promise.race([Promise.all(waits), timeout]);
  } finally {
    clearTimeout(timer);
  }
  const got = Object.fromEntries(names.map((n) => [n, inbox[n].splice(0)]));
  return got;
}

test("join answers the socket's rooms", async () => {
  assert.deepEqual(await sockets.alice.emitWithAck("join", "r1"), ["r1"]);
  assert.deepEqual(await sockets.bob.emitWithAck("join", "r1"), ["r1"]);
  assert.deepEqual(await sockets.dave.emitWithAck("join", "r1"), ["r1"]);
  assert.deepEqual(await sockets.dave.emitWithAck("join", "quiet"), ["quiet", "r1"]);
  assert.deepEqual(await settle(), { alice: [], bob: [], carol: [], dave: [] });
});

test("socket.to(room) reaches the room members except the sender; a client outside the room gets nothing", async () => {
  await sockets.alice.emitWithAck("socket-to-room", { room: "r1", event: "news", payload: { n: 1 } });
  assert.deepEqual(await settle(), {
    alice: [],
    bob: [["news", { n: 1 }]],
    carol: [],
    dave: [["news", { n: 1 }]],
  });
});

test("namespace.to(room).except(other) reaches the room minus the members of the excluded room", async () => {
  await sockets.alice.emitWithAck("to-room", { room: "r1", except: "quiet", event: "news", payload: { n: 2 } });
  assert.deepEqual(await settle(), {
    alice: [["news", { n: 2 }]],
    bob: [["news", { n: 2 }]],
    carol: [],
    dave: [],
  });
});

test("a socket that left a room no longer receives its broadcasts", async () => {
  assert.deepEqual(await sockets.bob.emitWithAck("leave", "r1"), []);
  await sockets.carol.emitWithAck("to-room", { room: "r1", event: "news", payload: { n: 3 } });
  assert.deepEqual(await settle(), {
    alice: [["news", { n: 3 }]],
    bob: [],
    carol: [],
    dave: [["news", { n: 3 }]],
  });
});

test("every socket is in the room named by its own id", async () => {
  await sockets.carol.emitWithAck("to-room", { room: sockets.bob.id, event: "direct", payload: "psst" });
  assert.deepEqual(await settle(), { alice: [], bob: [["direct", "psst"]], carol: [], dave: [] });
});

test("a binary payload broadcast to a room reaches every member as binary", async () => {
  await sockets.carol.emitWithAck("to-room", { room: "r1", event: "blob", payload: { b: Buffer.from([1, 2, 3]), n: [Buffer.from([4])] } });
  const got = await settle();
  const expected = [["blob", { b: { bin: [1, 2, 3] }, n: [{ bin: [4] }] }]];
  assert.deepEqual(normalize(got), { alice: expected, bob: [], carol: [], dave: expected });
  assert.ok(Buffer.isBuffer(got.alice[0][1].b));
});

test("one binary broadcast reaches a polling-only and a websocket-only member, each in its own framing", async () => {
  const pat = client("/", { transports: ["polling"] });
  const wes = client("/", { transports: ["websocket"] });
  await Promise.all([connected(pat), connected(wes)]);
  await pat.emitWithAck("join", "mixed");
  await wes.emitWithAck("join", "mixed");
  const got = Promise.all([once(pat, "blob2"), once(wes, "blob2")]);
  await sockets.alice.emitWithAck("to-room", { room: "mixed", event: "blob2", payload: { b: Buffer.from([7, 0, 255]), t: "x" } });
  const [[forPat], [forWes]] = await got;
  assert.equal(pat.io.engine.transport.name, "polling");
  assert.equal(wes.io.engine.transport.name, "websocket");
  for (const m of [forPat, forWes]) {
    assert.ok(Buffer.isBuffer(m.b), "binary stays binary (base64 on the polling wire, a binary frame on websocket)");
    assert.deepEqual(normalize(m), { b: { bin: [7, 0, 255] }, t: "x" });
  }
  assert.deepEqual(await settle(), { alice: [], bob: [], carol: [], dave: [] });
  pat.disconnect();
  wes.disconnect();
});

test("a disconnected member is removed from its rooms", async () => {
  const dave = sockets.dave;
  dave.disconnect();
  names.splice(names.indexOf("dave"), 1);
  await sockets.alice.emitWithAck("to-room", { room: "r1", event: "news", payload: { n: 4 } });
  assert.deepEqual(await settle(), { alice: [["news", { n: 4 }]], bob: [], carol: [] });
  assert.deepEqual(inbox.dave, [], "nothing arrives after the client disconnected");
});

test("broadcast to a room nobody is in reaches nobody", async () => {
  await sockets.alice.emitWithAck("to-room", { room: "empty-room", event: "news", payload: 0 });
  assert.deepEqual(await settle(), { alice: [], bob: [], carol: [] });
});
