// Reference server for `./qring bench`: Node's socket.io 4.8 with the SAME handlers as
// backend/bench/src/main/java/dev/qring/bench/BenchServer.java. Keep the two in step.
//
//   node --expose-gc bench/node-server.mjs [port]      (port also from BENCH_PORT; default 3100)
//
// Namespace /bench, websocket transport only, defaults otherwise (pingInterval 25 s, maxHttpBufferSize 1e6,
// no per-message deflate, no connection state recovery).
//   join {room}  -> socket joins room, remembers it, acks {ok:true}
//   msg  {...}   -> socket.to(room).emit("msg", payload) (the other party, not the sender), acks {ok:true}
// GET /bench/gc -> runs a full GC (needs --expose-gc) and answers memory figures as JSON; the harness reads
// RSS from /proc/<pid>/status itself so both servers are measured the same way.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] || process.env.BENCH_PORT || 3100);
const host = process.env.BENCH_HOST || '127.0.0.1';

const http = createServer((req, res) => {
  if (req.url === '/bench/gc') {
    if (typeof global.gc === 'function') { global.gc(); global.gc(); }
    const m = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external,
      connections: io.engine.clientsCount }));
    return;
  }
  res.writeHead(404);
  res.end();
});

const io = new Server(http, { transports: ['websocket'], serveClient: false, cors: { origin: '*' } });
const OK = { ok: true };
const bench = io.of('/bench');
bench.on('connection', (socket) => {
  socket.on('join', (p, ack) => {
    const room = p && typeof p.room === 'string' ? p.room : null;
    if (!room) { if (typeof ack === 'function') ack({ ok: false }); return; }
    socket.join(room);
    socket.data.room = room;
    if (typeof ack === 'function') ack(OK);
  });
  socket.on('msg', (p, ack) => {
    const room = socket.data.room;
    if (room) socket.to(room).emit('msg', p);
    if (typeof ack === 'function') ack(OK);
  });
});

http.listen(port, host, () => console.log(`node socket.io ${process.version} bench server on ${host}:${port} pid=${process.pid}`));
const stop = () => { io.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
