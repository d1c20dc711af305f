// Reference for the interop tests: Node's own socket.io 4.8 server with the SAME handlers as
// dev.qring.conformance.interop.InteropServer (Java). Running the interop tests against this server proves the
// tests themselves are right; running them against the Java server proves the Java server is.
//
//   node reference/interop-server.mjs [port] [--short-ping]
//     prints "LISTENING <port>" and "PROXY <port>" once ready. --short-ping: pingInterval 1 s, pingTimeout 1 s
//     (the heartbeat tests). Clients that must lose their network ("black-hole") connect through the proxy port.
import { createServer } from "node:http";
import net from "node:net";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
const shortPing = process.argv.includes("--short-ping");
const httpServer = createServer();
const io = new Server(httpServer, { cors: { origin: "*" }, pingInterval: shortPing ? 1000 : 25000, pingTimeout: shortPing ? 1000 : 20000 });

// a TCP proxy whose current connections can be black-holed: bytes dropped, sockets kept open until closeAfterMs
const pairs = new Set();
const proxy = net.createServer((downstream) => {
  const upstream = net.connect(httpServer.address().port, "127.0.0.1");
  const pair = { downstream, upstream, blackHoled: false };
  pairs.add(pair);
  downstream.pipe(upstream);
  upstream.pipe(downstream);
  // a black hole does not pass on a close either: the other side waits until blackHoleAll closes it
  const end = () => { pairs.delete(pair); if (!pair.blackHoled) { downstream.destroy(); upstream.destroy(); } };
  downstream.on("close", end).on("error", end);
  upstream.on("close", end).on("error", end);
});
function blackHoleAll(closeAfterMs) {
  for (const pair of pairs) {
    const { downstream, upstream } = pair;
    pair.blackHoled = true;
    downstream.unpipe(upstream);
    upstream.unpipe(downstream);
    downstream.on("data", () => {});
    upstream.on("data", () => {});
    setTimeout(() => { downstream.destroy(); upstream.destroy(); }, closeAfterMs);
  }
}
let connectionsTotal = 0;
io.engine.on("connection", () => connectionsTotal++);

function commonHandlers(socket) {
  socket.on("echo", (...args) => {
    const ack = typeof args.at(-1) === "function" ? args.pop() : null;
    if (ack) ack(...args);
  });
  socket.on("slow-echo", (...args) => {
    const ack = args.pop();
    setTimeout(() => ack(...args), 50);
  });
  socket.on("echo-event", (...args) => socket.emit("echo-back", ...args));
  socket.on("whoami", (ack) => ack({ id: socket.id, nsp: socket.nsp.name, auth: socket.handshake.auth,
    transport: socket.handshake.query.transport, query: { door: socket.handshake.query.door ?? null },
    header: socket.handshake.headers["x-qring-test"] ?? null }));
}

const root = io.of("/");
root.on("connection", (socket) => {
  commonHandlers(socket);
  // server -> client emit with ack, result reported back through the client's own ack
  socket.on("ask", ({ event, timeoutMs, args }, ack) => {
    socket.timeout(timeoutMs).emit(event, ...args, (err, ...reply) => {
      ack(err ? { ok: false, error: "timeout" } : { ok: true, reply });
    });
  });
  // binary produced by the server (not echoed): event, nested, and in an emitWithAck whose ack carries binary back
  socket.on("server-binary", (ack) => {
    socket.emit("bin-event", { data: Buffer.from([1, 2, 3]), nested: { list: [Buffer.from([4, 5]), "x"] } }, Buffer.from([6]));
    socket.timeout(2000).emit("bin-ask", Buffer.from([9, 8, 7]), (err, ...reply) => {
      ack(err ? { ok: false, error: "timeout" } : { ok: true, reply });
    });
  });
  socket.on("black-hole", ({ closeAfterMs }, ack) => {
    ack();
    setTimeout(() => blackHoleAll(closeAfterMs ?? 3000), 50);
  });
  socket.on("burst", ({ event, count }, ack) => {
    for (let i = 0; i < count; i++) socket.emit(event, i, "x".repeat(100));
    ack();
  });
  socket.on("join", (room, ack) => { socket.join(room); ack([...socket.rooms].filter((r) => r !== socket.id).sort()); });
  socket.on("leave", (room, ack) => { socket.leave(room); ack([...socket.rooms].filter((r) => r !== socket.id).sort()); });
  socket.on("to-room", ({ room, except, event, payload }, ack) => {
    let op = root.to(room);
    if (except) op = op.except(except);
    op.emit(event, payload);
    ack();
  });
  socket.on("socket-to-room", ({ room, event, payload }, ack) => { socket.to(room).emit(event, payload); ack(); });
  socket.on("everyone", ({ event, payload }, ack) => { root.emit(event, payload); ack(); });
  socket.on("stats", (ack) => ack({ openConnections: io.engine.clientsCount, connectionsTotal }));
  socket.on("never-acks", () => {});
  socket.on("disconnect-me", ({ close }) => socket.disconnect(close));
  // drops every transport without a Socket.IO DISCONNECT (like a server restart / network cut)
  socket.on("drop-transport", (ack) => {
    ack();
    setTimeout(() => { for (const s of Object.values(io.engine.clients)) s.close(); }, 50);
  });
});

io.of("/custom").on("connection", (socket) => {
  commonHandlers(socket);
  socket.emit("auth", socket.handshake.auth);
});

const guarded = io.of("/guarded");
guarded.use((socket, next) => {
  if (socket.handshake.auth?.token === "letmein") {
    socket.data.user = "alice";
    next();
  } else {
    const err = new Error("not authorized");
    err.data = { code: "bad_token", retry: false };
    next(err);
  }
});
guarded.on("connection", (socket) => {
  commonHandlers(socket);
  socket.emit("welcome", { user: socket.data.user });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`LISTENING ${httpServer.address().port}`);
  proxy.listen(0, "127.0.0.1", () => console.log(`PROXY ${proxy.address().port}`));
});
