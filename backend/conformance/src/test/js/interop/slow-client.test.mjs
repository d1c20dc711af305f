// Backpressure with the official socket.io-client: a client that stops reading (a phone in a tunnel; here a proxy
// that stops taking the server's bytes) while its room is flooded must be disconnected by the server once its
// bounded outbound queue overflows, and counted; the other clients and the server carry on.
// No Node reference for this one: Node's socket.io buffers without bound.
// Usage: node slow-client.test.mjs <proxied URL> <direct URL>
import { after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { test, client, track, closeAll, connected, eventually } from "../lib/util.mjs";

const DIRECT_URL = process.argv[3];
after(closeAll);

test("a client that stops reading is disconnected when its outbound queue overflows; others are unaffected", async () => {
  const victim = client("/", { transports: ["websocket"] }); // through the proxy
  const flooder = track(io(DIRECT_URL, { forceNew: true, reconnection: false, transports: ["websocket"] }));
  await Promise.all([connected(victim), connected(flooder)]);
  await victim.emitWithAck("join", "flood-room");
  const before = await flooder.emitWithAck("stats");
  await victim.emitWithAck("stall-me");
  await new Promise((r) => setTimeout(r, 200));

  // 400 x 50 KB = 20 MB towards a client that reads nothing: far beyond kernel buffers and the server's queue limit
  await flooder.timeout(15_000).emitWithAck("flood", { room: "flood-room", count: 400, size: 50_000 });
  const after = await eventually(async () => {
    const st = await flooder.emitWithAck("stats");
    return st.slowClientDisconnects > before.slowClientDisconnects ? st : null;
  }, 10_000, 100);
  assert.equal(after.slowClientDisconnects, before.slowClientDisconnects + 1, "exactly the one stalled client");
  assert.equal(await flooder.timeout(5000).emitWithAck("echo", "still fine"), "still fine");
  await flooder.emitWithAck("release-stalls");
  flooder.disconnect();
});
