// Official socket.io-client 4.8 against the server under test: what the client does after a server-side disconnect.
// The client documents two cases (https://socket.io/docs/v4/client-socket-instance/#disconnect):
//  - the server disconnected the socket from the namespace (reason "io server disconnect"): the client does NOT
//    reconnect by itself; the application must call socket.connect();
//  - the connection was lost ("transport close", "ping timeout", ...): the Manager reconnects automatically.
// Usage: node reconnect.test.mjs http://127.0.0.1:<port>
import { after } from "node:test";
import assert from "node:assert/strict";
import { Manager } from "socket.io-client";
import { test, BASE_URL, client, track, closeAll, connected, once, never } from "../lib/util.mjs";

after(closeAll);

const reconnecting = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0 };

test("server namespace disconnect (socket.disconnect(false)): reason 'io server disconnect', no automatic reconnect", async () => {
  const s = client("/", reconnecting);
  await connected(s);
  const firstId = s.id;
  s.emit("disconnect-me", { close: false });
  const [reason] = await once(s, "disconnect");
  assert.equal(reason, "io server disconnect");
  assert.equal(s.active, false, "the socket will not reconnect by itself");
  await never(s, "connect", 600);

  // the application reconnects explicitly: a new session with a new id
  s.connect();
  await connected(s);
  assert.notEqual(s.id, firstId);
  assert.equal(await s.emitWithAck("echo", "back"), "back");
  s.disconnect();
});

test("socket.disconnect(true) closes the whole connection: every namespace on it is disconnected by the server", async () => {
  // like the official server: closing the connection disconnects all of its namespaces with a DISCONNECT packet,
  // so none of them reconnects by itself
  const manager = track(new Manager(BASE_URL, reconnecting));
  const main = track(manager.socket("/"));
  const sibling = track(manager.socket("/custom"));
  await connected(main);
  await connected(sibling);
  const engine = manager.engine;
  const engineClosed = once(engine, "close");
  const mainGone = once(main, "disconnect");
  const siblingGone = once(sibling, "disconnect");
  main.emit("disconnect-me", { close: true });
  assert.equal((await mainGone)[0], "io server disconnect");
  assert.equal((await siblingGone)[0], "io server disconnect");
  await engineClosed;
  assert.equal(main.active, false, "no automatic reconnect");
  assert.equal(sibling.active, false, "no automatic reconnect");
  await never(sibling, "connect", 400);
  main.connect();
  await connected(main);
  assert.notEqual(manager.engine.id, engine.id, "a new Engine.IO session");
  assert.equal(await main.emitWithAck("echo", 1), 1);
  main.disconnect();
});

test("socket.disconnect(false) leaves the connection and sibling namespaces alone", async () => {
  const manager = track(new Manager(BASE_URL, reconnecting));
  const main = track(manager.socket("/"));
  const sibling = track(manager.socket("/custom"));
  await connected(main);
  await connected(sibling);
  const engineId = manager.engine.id;
  main.emit("disconnect-me", { close: false });
  assert.equal((await once(main, "disconnect"))[0], "io server disconnect");
  await never(sibling, "disconnect", 300);
  assert.equal(manager.engine.id, engineId, "same Engine.IO session");
  assert.equal(await sibling.emitWithAck("echo", "unaffected"), "unaffected");
  sibling.disconnect();
});

test("transport dropped by the server (no Socket.IO DISCONNECT): the Manager reconnects and the socket works again", async () => {
  const s = client("/", reconnecting);
  await connected(s);
  const firstId = s.id;
  const reconnectP = once(s.io, "reconnect", 8000);
  const disconnectP = once(s, "disconnect", 5000);
  await s.emitWithAck("drop-transport");
  const [reason] = await disconnectP;
  assert.ok(["transport close", "transport error"].includes(reason), `unexpected reason ${reason}`);
  assert.equal(s.active, true, "the socket is going to reconnect");
  const [attempts] = await reconnectP;
  assert.ok(attempts >= 1);
  await connected(s, 8000);
  assert.notEqual(s.id, firstId, "a new session after reconnection");
  assert.deepEqual(await s.timeout(2000).emitWithAck("echo", { after: "reconnect" }), { after: "reconnect" });
  s.disconnect();
});

test("client namespace disconnect is reported and the client stays disconnected", async () => {
  const s = client("/", reconnecting);
  await connected(s);
  const p = once(s, "disconnect");
  s.disconnect();
  const [reason] = await p;
  assert.equal(reason, "io client disconnect");
  assert.equal(s.active, false);
});
