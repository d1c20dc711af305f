// Official socket.io-client 4.8 against the server under test: namespaces, auth, connect refusal, multiplexing.
// Usage: node namespaces.test.mjs http://127.0.0.1:<port>
import { after } from "node:test";
import assert from "node:assert/strict";
import { Manager } from "socket.io-client";
import { test, BASE_URL, client, track, closeAll, once, never, connected } from "../lib/util.mjs";

after(closeAll);

test("auth payload sent to a custom namespace is echoed by the server", async () => {
  const s = client("/custom", { auth: { token: "abc", n: 1, nested: { ok: true } } });
  const [auth] = await once(s, "auth");
  assert.deepEqual(auth, { token: "abc", n: 1, nested: { ok: true } });
  assert.ok(s.connected);
  const who = await s.emitWithAck("whoami");
  assert.equal(who.nsp, "/custom");
  assert.equal(who.id, s.id, "server-side socket id equals the id the client got in CONNECT");
  s.disconnect();
});

test("handshake query parameters and extra headers reach the server", async () => {
  const s = client("/", { query: { door: "d-42" }, extraHeaders: { "x-qring-test": "hello" }, transports: ["polling"] });
  await connected(s);
  const who = await s.emitWithAck("whoami");
  assert.equal(who.query.door, "d-42");
  assert.equal(who.header, "hello");
  assert.equal(who.transport, "polling");
  s.disconnect();
});

test("custom namespace without auth gets an empty auth object", async () => {
  const s = client("/custom");
  const [auth] = await once(s, "auth");
  assert.deepEqual(auth, {});
  s.disconnect();
});

test("middleware refusal: connect_error carries message and data, socket stays inactive", async () => {
  const s = client("/guarded", { auth: { token: "wrong" } });
  const [err] = await once(s, "connect_error");
  assert.equal(err.message, "not authorized");
  assert.deepEqual(err.data, { code: "bad_token", retry: false });
  assert.equal(s.connected, false);
  // per the client docs, a refusal by a server middleware is not retried automatically
  assert.equal(s.active, false);
  await never(s, "connect", 300);

  // the same socket can try again with other credentials: admitted, and the middleware's per-socket data is visible
  s.auth = { token: "letmein" };
  s.connect();
  const [welcome] = await once(s, "welcome");
  assert.deepEqual(welcome, { user: "alice" });
  assert.ok(s.connected);
  s.disconnect();
});

test("unknown namespace is refused with 'Invalid namespace'", async () => {
  const s = client("/nope");
  const [err] = await once(s, "connect_error");
  assert.equal(err.message, "Invalid namespace");
  assert.equal(s.connected, false);
  assert.equal(s.active, false);
  s.disconnect();
});

test("several namespaces multiplexed over one Engine.IO connection", async () => {
  const manager = track(new Manager(BASE_URL, { reconnection: false, autoConnect: true }));
  const main = track(manager.socket("/"));
  await connected(main);
  const before = await main.emitWithAck("stats");
  const custom = track(manager.socket("/custom", { auth: { k: "v" } }));
  const authP = once(custom, "auth");
  await connected(custom);
  assert.deepEqual((await authP)[0], { k: "v" });
  assert.strictEqual(main.io, custom.io, "both sockets share one Manager");
  assert.ok(manager.engine.id, "one Engine.IO session");
  const after = await main.emitWithAck("stats");
  assert.equal(after.connectionsTotal, before.connectionsTotal, "joining a second namespace opened no new Engine.IO connection");

  const [whoMain, whoCustom] = await Promise.all([main.emitWithAck("whoami"), custom.emitWithAck("whoami")]);
  assert.equal(whoMain.nsp, "/");
  assert.equal(whoCustom.nsp, "/custom");
  assert.equal(whoMain.id, main.id);
  assert.equal(whoCustom.id, custom.id);
  assert.notEqual(main.id, custom.id, "socket ids are per namespace");

  // leaving one namespace keeps the connection and the other namespace working
  custom.disconnect();
  assert.deepEqual(await main.emitWithAck("echo", "still", "here"), "still");
  assert.deepEqual(await main.timeout(2000).emitWithAck("echo", "x"), "x");
  assert.ok(main.connected);
  assert.equal(manager.engine.readyState, "open");

  // and the namespace can be joined again over the same connection
  custom.connect();
  await connected(custom);
  assert.equal((await custom.emitWithAck("whoami")).nsp, "/custom");
  assert.equal((await main.emitWithAck("stats")).connectionsTotal, before.connectionsTotal);
  main.disconnect();
  custom.disconnect();
});
