// A TCP forwarder started inside the visitor's network namespace: Chromium there opens the
// app at http://127.0.0.1:PORT (a secure context, so getUserMedia works) and this forwards
// to the QRing server in the server namespace. Usage: node forward.mjs LISTEN_PORT TARGET_HOST TARGET_PORT
import net from 'node:net';

const [listenPort, host, port] = process.argv.slice(2);
const server = net.createServer((client) => {
  const upstream = net.connect(Number(port), host);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(Number(listenPort), '127.0.0.1', () => console.log(`forwarding 127.0.0.1:${listenPort} -> ${host}:${port}`));
