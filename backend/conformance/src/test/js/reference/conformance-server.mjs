// Reference for the protocol suites: Node's own servers configured as issue 2 item 8 describes the conformance
// mode (pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6, connect timeout 1000 ms, CORS "*").
// Running protocol-suite/*.test.mjs against this proves the suites are right.
//
//   node reference/conformance-server.mjs socketio|engineio [port]   -> prints "LISTENING <port>"
import { createServer } from "node:http";
import { Server } from "socket.io";
import { attach } from "engine.io";

const mode = process.argv[2];
const port = Number(process.argv[3] ?? process.env.PORT ?? 3000);
const timings = { pingInterval: 300, pingTimeout: 200, maxHttpBufferSize: 1e6, cors: { origin: "*" } };
const httpServer = createServer();

if (mode === "socketio") {
  const io = new Server(httpServer, { ...timings, connectTimeout: 1000 });
  const onConnection = (socket) => {
    socket.emit("auth", socket.handshake.auth);
    socket.on("message", (...args) => socket.emit("message-back", ...args));
    socket.on("message-with-ack", (...args) => {
      const ack = args.pop();
      ack(...args);
    });
  };
  io.of("/").on("connection", onConnection);
  io.of("/custom").on("connection", onConnection);
} else if (mode === "engineio") {
  const engine = attach(httpServer, { ...timings, path: "/engine.io/" });
  engine.on("connection", (socket) => socket.on("message", (data) => socket.send(data)));
} else {
  console.error("usage: conformance-server.mjs socketio|engineio [port]");
  process.exit(2);
}
httpServer.listen(port, "127.0.0.1", () => console.log(`LISTENING ${httpServer.address().port}`));
