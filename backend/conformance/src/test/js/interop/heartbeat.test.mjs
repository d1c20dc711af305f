// Official socket.io-client 4.8 against a server with short heartbeats (pingInterval 1 s, pingTimeout 1 s),
// reached through a proxy that can black-hole the connections (nothing flows, nothing is closed: a phone entering
// a tunnel). Only heartbeats can detect that; the client must notice ("ping timeout") and reconnect.
// Usage: node heartbeat.test.mjs http://127.0.0.1:<proxy port>
import { after } from "node:test";
import assert from "node:assert/strict";
import { test, client, closeAll, connected, once, never } from "../lib/util.mjs";

after(closeAll);

const reconnecting = { reconnection: true, reconnectionDelay: 100, reconnectionDelayMax: 200, randomizationFactor: 0 };

test("a healthy client stays connected across many heartbeats", async () => {
  const s = client("/", { transports: ["websocket"] });
  await connected(s);
  await never(s, "disconnect", 3500); // three ping/pong rounds
  assert.equal(await s.emitWithAck("echo", "alive"), "alive");
  s.disconnect();
});

for (const transport of ["websocket", "polling"]) {
  test(`${transport}: a black-holed connection ends in 'ping timeout' and the client reconnects`, async () => {
    const s = client("/", { ...reconnecting, transports: [transport] });
    await connected(s);
    const firstId = s.id;
    const gone = once(s, "disconnect", 10000);
    const t0 = Date.now();
    await s.emitWithAck("black-hole", { closeAfterMs: 7000 });
    const [reason] = await gone;
    assert.equal(reason, "ping timeout");
    // detected by the heartbeat (pingInterval + pingTimeout = 2 s), before the proxy closes anything (7 s)
    assert.ok(Date.now() - t0 < 6500, `detected after ${Date.now() - t0} ms`);
    assert.equal(s.active, true, "the socket reconnects by itself");
    await connected(s, 8000);
    assert.notEqual(s.id, firstId);
    assert.equal(s.io.engine.transport.name, transport);
    assert.equal(await s.timeout(2000).emitWithAck("echo", "back"), "back");
    s.disconnect();
  });
}
