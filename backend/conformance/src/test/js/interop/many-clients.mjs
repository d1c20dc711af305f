// Many official socket.io-client instances at once against the server under test: concurrent handshakes and
// polling -> websocket upgrades, acks, and room broadcasts. A plain script (not node:test): it prints one line
//   RESULT {"clients":..,"upgraded":..,"acks":..,"roomMessages":..,"expectedRoomMessages":..,"ms":..}
// and exits 0 when every client got exactly what it should, 1 otherwise (with the reason on stderr).
// Usage: node many-clients.mjs http://127.0.0.1:<port> [clients=40] [roomSize=4]
import { io } from "socket.io-client";

const url = process.argv[2];
const clients = Number(process.argv[3] ?? 40);
const roomSize = Number(process.argv[4] ?? 4);
const ACKS_PER_CLIENT = 20;
const t0 = Date.now();
const sockets = [];

function fail(message) {
  console.error("FAILED: " + message);
  for (const s of sockets) s.disconnect();
  process.exit(1);
}
const deadline = setTimeout(() => fail("did not finish within 30 s"), 30_000);

try {
  // connect everyone at once (default transports: polling first, then the upgrade)
  for (let i = 0; i < clients; i++) sockets.push(io(url, { forceNew: true, reconnection: false }));
  await Promise.all(sockets.map((s) => new Promise((resolve, reject) => {
    s.once("connect", resolve);
    s.once("connect_error", (e) => reject(new Error(`connect_error: ${e.message}`)));
  })));
  const upgraded = await Promise.all(sockets.map((s) => new Promise((resolve) => {
    if (s.io.engine.transport.name === "websocket") return resolve(true);
    const timer = setTimeout(() => resolve(false), 5000);
    s.io.engine.once("upgrade", () => { clearTimeout(timer); resolve(true); });
  })));

  // every client: ACKS_PER_CLIENT acked echoes, all in flight together
  const acks = (await Promise.all(sockets.flatMap((s, i) =>
    Array.from({ length: ACKS_PER_CLIENT }, (_, k) => s.timeout(10_000).emitWithAck("echo", { i, k })
      .then((r) => (r.i === i && r.k === k ? 1 : fail(`client ${i} got ack ${JSON.stringify(r)} for ${k}`))))))).length;

  // rooms of roomSize clients; each client broadcasts once to its room (sender excluded)
  await Promise.all(sockets.map((s, i) => s.emitWithAck("join", `room-${Math.floor(i / roomSize)}`)));
  const received = sockets.map(() => []);
  sockets.forEach((s, i) => s.on("chat", (m) => received[i].push(m)));
  await Promise.all(sockets.map((s, i) => s.emitWithAck("socket-to-room", { room: `room-${Math.floor(i / roomSize)}`, event: "chat", payload: { from: i } })));
  // a final namespace-wide marker: once every client has it, every earlier broadcast has been delivered
  await Promise.all([
    ...sockets.map((s) => new Promise((resolve) => s.once("done", resolve))),
    sockets[0].emitWithAck("everyone", { event: "done", payload: 1 }),
  ]);
  let roomMessages = 0;
  let expectedRoomMessages = 0;
  received.forEach((msgs, i) => {
    const room = Math.floor(i / roomSize);
    const members = sockets.map((_, j) => j).filter((j) => Math.floor(j / roomSize) === room);
    const expected = members.filter((j) => j !== i).sort((a, b) => a - b);
    const got = msgs.map((m) => m.from).sort((a, b) => a - b);
    if (JSON.stringify(got) !== JSON.stringify(expected)) fail(`client ${i} got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
    roomMessages += got.length;
    expectedRoomMessages += expected.length;
  });

  for (const s of sockets) s.disconnect();
  clearTimeout(deadline);
  console.log("RESULT " + JSON.stringify({
    clients, upgraded: upgraded.filter(Boolean).length, acks, roomMessages, expectedRoomMessages, ms: Date.now() - t0,
  }));
} catch (e) {
  fail(e.stack ?? String(e));
}
