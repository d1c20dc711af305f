// Socket.IO v5 protocol conformance (over Engine.IO v4), against the conformance mode of the server
// (`./qring conformance socketio`): pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6, connect timeout
// 1000 ms; on connect to "/" or "/custom" it emits "auth" with the handshake auth; "message" -> "message-back"
// with the same arguments; "message-with-ack" is acknowledged with the same arguments; other namespaces invalid.
//
// The scenarios (names, packets, expected answers) follow the official Socket.IO v5 test suite
// (socketio/socket.io-protocol test-suite/test-suite.js, now docs/socket.io-protocol/v5-test-suite in
// socketio/socket.io; MIT License, Copyright (c) Guillermo Rauch and the Socket.IO contributors),
// rewritten for node:test with the `ws` client and fetch. Waits that the official suite leaves implicit are
// explicit here; the "extras" block adds checks from the protocol document.
//
// Usage: node socketio.test.mjs http://127.0.0.1:<port>
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { RawSocket, WS_URL, PING_INTERVAL, PING_TIMEOUT, sleep, bytes, http, closeAllRaw } from "./raw.mjs";

const EIO = "/socket.io/?EIO=4";
after(closeAllRaw);

async function openPollingSession() {
  const { status, text } = await http(`${EIO}&transport=polling`);
  assert.equal(status, 200, `handshake answered ${status}: ${text}`);
  return JSON.parse(text.substring(1)).sid;
}

/** Engine.IO over websocket, then CONNECT to "/" (answers: CONNECT, then the "auth" event). */
async function connectedSocket() {
  const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
  await socket.next(); // Engine.IO handshake
  socket.send("40");
  const connect = await socket.next();
  assert.ok(connect.startsWith("40{"), connect);
  assert.equal(await socket.next(), '42["auth",{}]');
  return socket;
}

function assertHandshake(value, upgrades) {
  assert.deepEqual(Object.keys(value).sort(), ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
  assert.equal(typeof value.sid, "string");
  assert.deepEqual(value.upgrades, upgrades);
  assert.equal(value.pingInterval, PING_INTERVAL);
  assert.equal(value.pingTimeout, PING_TIMEOUT);
  assert.equal(value.maxPayload, 1000000);
}

function assertConnectPacket(data, prefix) {
  assert.ok(data.startsWith(prefix), `expected ${prefix}..., got ${data}`);
  const handshake = JSON.parse(data.substring(prefix.length));
  assert.deepEqual(Object.keys(handshake), ["sid"]);
  assert.equal(typeof handshake.sid, "string");
}

describe("Engine.IO protocol", () => {
  describe("handshake", () => {
    describe("HTTP long-polling", () => {
      it("should successfully open a session", async () => {
        const { status, text } = await http(`${EIO}&transport=polling`);
        assert.equal(status, 200);
        assert.ok(text.startsWith("0"), text);
        assertHandshake(JSON.parse(text.substring(1)), ["websocket"]);
      });

      it("should fail with an invalid 'EIO' query parameter", async () => {
        assert.equal((await http("/socket.io/?transport=polling")).status, 400);
        assert.equal((await http("/socket.io/?EIO=abc&transport=polling")).status, 400);
      });

      it("should fail with an invalid 'transport' query parameter", async () => {
        assert.equal((await http(`${EIO}`)).status, 400);
        assert.equal((await http(`${EIO}&transport=abc`)).status, 400);
      });

      it("should fail with an invalid request method", async () => {
        assert.equal((await http(`${EIO}&transport=polling`, { method: "POST" })).status, 400);
        assert.equal((await http(`${EIO}&transport=polling`, { method: "PUT" })).status, 400);
      });
    });

    describe("WebSocket", () => {
      it("should successfully open a session", async () => {
        const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
        const data = await socket.next();
        assert.ok(data.startsWith("0"), data);
        assertHandshake(JSON.parse(data.substring(1)), []);
        socket.close();
      });

      it("should fail with an invalid 'EIO' query parameter", async () => {
        await new RawSocket(`${WS_URL}/socket.io/?transport=websocket`).closed();
        await new RawSocket(`${WS_URL}/socket.io/?EIO=abc&transport=websocket`).closed();
      });

      it("should fail with an invalid 'transport' query parameter", async () => {
        await new RawSocket(`${WS_URL}${EIO}`).closed();
        await new RawSocket(`${WS_URL}${EIO}&transport=abc`).closed();
      });
    });
  });

  describe("heartbeat", () => {
    describe("HTTP long-polling", () => {
      it("should send ping/pong packets", async () => {
        const sid = await openPollingSession();
        for (let i = 0; i < 3; i++) {
          const poll = await http(`${EIO}&transport=polling&sid=${sid}`);
          assert.equal(poll.status, 200);
          assert.equal(poll.text, "2");
          const push = await http(`${EIO}&transport=polling&sid=${sid}`, { method: "POST", body: "3" });
          assert.equal(push.status, 200);
        }
      });

      it("should close the session upon ping timeout", async () => {
        const sid = await openPollingSession();
        await sleep(PING_INTERVAL + PING_TIMEOUT + 200); // official: +10 ms; margin for a loaded CI machine
        assert.equal((await http(`${EIO}&transport=polling&sid=${sid}`)).status, 400);
      });
    });

    describe("WebSocket", () => {
      it("should send ping/pong packets", async () => {
        const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
        await socket.next(); // handshake
        for (let i = 0; i < 3; i++) {
          assert.equal(await socket.next(), "2");
          socket.send("3");
        }
        socket.close();
      });

      it("should close the session upon ping timeout", async () => {
        const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
        await socket.closed(PING_INTERVAL + PING_TIMEOUT + 1000);
      });
    });
  });

  describe("close", () => {
    describe("HTTP long-polling", () => {
      it("should forcefully close the session", async () => {
        const sid = await openPollingSession();
        const [poll] = await Promise.all([
          http(`${EIO}&transport=polling&sid=${sid}`),
          http(`${EIO}&transport=polling&sid=${sid}`, { method: "POST", body: "1" }),
        ]);
        assert.equal(poll.status, 200);
        assert.equal(poll.text, "6");
        assert.equal((await http(`${EIO}&transport=polling&sid=${sid}`)).status, 400);
      });
    });

    describe("WebSocket", () => {
      it("should forcefully close the session", async () => {
        const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
        await socket.next(); // handshake
        socket.send("1");
        await socket.closed();
      });
    });
  });

  describe("upgrade", () => {
    it("should successfully upgrade from HTTP long-polling to WebSocket", async () => {
      const sid = await openPollingSession();
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket&sid=${sid}`);
      await socket.opened();
      socket.send("2probe");
      assert.equal(await socket.next(), "3probe");
      socket.send("5");
      // the upgraded session carries Socket.IO traffic
      socket.send("40");
      assertConnectPacket(await socket.next(), "40");
      assert.equal(await socket.next(), '42["auth",{}]');
      socket.close();
    });

    it("should ignore HTTP requests with same sid after upgrade", async () => {
      const sid = await openPollingSession();
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket&sid=${sid}`);
      await socket.opened();
      socket.send("2probe");
      assert.equal(await socket.next(), "3probe");
      socket.send("5");
      await sleep(50);
      assert.equal((await http(`${EIO}&transport=polling&sid=${sid}`)).status, 400);
      socket.close();
    });

    it("should ignore WebSocket connection with same sid after upgrade", async () => {
      const sid = await openPollingSession();
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket&sid=${sid}`);
      await socket.opened();
      socket.send("2probe");
      assert.equal(await socket.next(), "3probe");
      socket.send("5");
      await sleep(50);
      await new RawSocket(`${WS_URL}${EIO}&transport=websocket&sid=${sid}`).closed();
      socket.close();
    });
  });
});

describe("Socket.IO protocol", () => {
  describe("connect", () => {
    it("should allow connection to the main namespace", async () => {
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
      await socket.next(); // Engine.IO handshake
      socket.send("40");
      assertConnectPacket(await socket.next(), "40");
      assert.equal(await socket.next(), '42["auth",{}]');
      socket.close();
    });

    it("should allow connection to the main namespace with a payload", async () => {
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
      await socket.next();
      socket.send('40{"token":"123"}');
      assertConnectPacket(await socket.next(), "40");
      assert.equal(await socket.next(), '42["auth",{"token":"123"}]');
      socket.close();
    });

    it("should allow connection to a custom namespace", async () => {
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
      await socket.next();
      socket.send("40/custom,");
      assertConnectPacket(await socket.next(), "40/custom,");
      assert.equal(await socket.next(), '42/custom,["auth",{}]');
      socket.close();
    });

    it("should allow connection to a custom namespace with a payload", async () => {
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
      await socket.next();
      socket.send('40/custom,{"token":"abc"}');
      assertConnectPacket(await socket.next(), "40/custom,");
      assert.equal(await socket.next(), '42/custom,["auth",{"token":"abc"}]');
      socket.close();
    });

    it("should disallow connection to an unknown namespace", async () => {
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
      await socket.next();
      socket.send("40/random");
      assert.equal(await socket.next(), '44/random,{"message":"Invalid namespace"}');
      socket.close();
    });

    it("should disallow connection with an invalid handshake", async () => {
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
      await socket.next();
      socket.send("4abc");
      await socket.closed();
    });

    it("should close the connection if no handshake is received", async () => {
      const socket = new RawSocket(`${WS_URL}${EIO}&transport=websocket`);
      await socket.next(); // Engine.IO handshake
      // keep the Engine.IO session alive: only the missing Socket.IO CONNECT may close it (connect timeout 1000 ms)
      const pong = setInterval(() => { while (socket.frames.length) if (socket.frames.shift() === "2") socket.send("3"); }, 20);
      const t0 = Date.now();
      try {
        await socket.closed(3000);
      } finally {
        clearInterval(pong);
      }
      assert.ok(Date.now() - t0 >= 800, `closed after ${Date.now() - t0} ms, before the 1000 ms connect timeout`);
    });
  });

  describe("disconnect", () => {
    it("should disconnect from the main namespace", async () => {
      const socket = await connectedSocket();
      socket.send("41");
      // the Engine.IO connection stays open: the next packet is the server's ping
      assert.equal(await socket.next(), "2");
      socket.close();
    });

    it("should connect then disconnect from a custom namespace", async () => {
      const socket = await connectedSocket();
      socket.send("40/custom");
      assertConnectPacket((await socket.nextPackets(1))[0], "40/custom,");
      assert.deepEqual(await socket.nextPackets(1), ['42/custom,["auth",{}]']);
      socket.send("41/custom");
      socket.send('42["message","message to main namespace"]');
      assert.deepEqual(await socket.nextPackets(1), ['42["message-back","message to main namespace"]']);
      socket.close();
    });
  });

  describe("message", () => {
    it("should send a plain-text packet", async () => {
      const socket = await connectedSocket();
      socket.send('42["message",1,"2",{"3":[true]}]');
      assert.deepEqual(await socket.nextPackets(1), ['42["message-back",1,"2",{"3":[true]}]']);
      socket.close();
    });

    it("should send a packet with binary attachments", async () => {
      const socket = await connectedSocket();
      socket.send('452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      socket.send(Uint8Array.from([1, 2, 3]));
      socket.send(Uint8Array.from([4, 5, 6]));
      const packets = await socket.nextPackets(3);
      assert.equal(packets[0], '452-["message-back",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      assert.deepEqual(packets[1], bytes(1, 2, 3));
      assert.deepEqual(packets[2], bytes(4, 5, 6));
      socket.close();
    });

    it("should send a plain-text packet with an ack", async () => {
      const socket = await connectedSocket();
      socket.send('42456["message-with-ack",1,"2",{"3":[false]}]');
      assert.deepEqual(await socket.nextPackets(1), ['43456[1,"2",{"3":[false]}]']);
      socket.close();
    });

    it("should send a packet with binary attachments and an ack", async () => {
      const socket = await connectedSocket();
      socket.send('452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      socket.send(Uint8Array.from([1, 2, 3]));
      socket.send(Uint8Array.from([4, 5, 6]));
      const packets = await socket.nextPackets(3);
      assert.equal(packets[0], '462-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
      assert.deepEqual(packets[1], bytes(1, 2, 3));
      assert.deepEqual(packets[2], bytes(4, 5, 6));
      socket.close();
    });

    it("should close the connection upon invalid format (unknown packet type)", async () => {
      const socket = await connectedSocket();
      socket.send("4abc");
      await socket.closed();
    });

    it("should close the connection upon invalid format (invalid payload format)", async () => {
      const socket = await connectedSocket();
      socket.send("42{}");
      await socket.closed();
    });

    it("should close the connection upon invalid format (invalid ack id)", async () => {
      const socket = await connectedSocket();
      socket.send('42abc["message-with-ack",1,"2",{"3":[false]}]');
      await socket.closed();
    });
  });

  describe("extras (from the protocol document)", () => {
    it("carries Socket.IO packets over HTTP long-polling, batched with the record separator", async () => {
      const sid = await openPollingSession();
      const url = `${EIO}&transport=polling&sid=${sid}`;
      assert.equal((await http(url, { method: "POST", body: "40" })).text, "ok");
      const connect = await http(url);
      const [connectPacket, auth] = connect.text.split("\x1e");
      assertConnectPacket(connectPacket, "40");
      assert.equal(auth, '42["auth",{}]');
      assert.equal((await http(url, { method: "POST", body: '42["message","a"]\x1e42["message","b"]' })).text, "ok");
      const poll = await http(url);
      assert.equal(poll.text, '42["message-back","a"]\x1e42["message-back","b"]');
      assert.equal((await http(url, { method: "POST", body: "1" })).status, 200);
    });

    it("carries binary attachments over HTTP long-polling as base64", async () => {
      const sid = await openPollingSession();
      const url = `${EIO}&transport=polling&sid=${sid}`;
      await http(url, { method: "POST", body: "40" });
      await http(url); // CONNECT + auth
      const body = '451-["message",{"_placeholder":true,"num":0}]\x1ebAQID';
      assert.equal((await http(url, { method: "POST", body })).text, "ok");
      assert.equal((await http(url)).text, '451-["message-back",{"_placeholder":true,"num":0}]\x1ebAQID');
      assert.equal((await http(url, { method: "POST", body: "1" })).status, 200);
    });

    it("closes the connection upon an event for a namespace the client has not joined (like Node's server)", async () => {
      const socket = await connectedSocket();
      socket.send('42/custom,["message","not joined"]');
      await socket.closed();
    });

    it("answers a CORS preflight for the polling endpoint", async () => {
      const res = await http(`${EIO}&transport=polling`, {
        method: "OPTIONS",
        headers: { Origin: "http://example.test", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
      });
      assert.ok(res.status === 204 || res.status === 200, `preflight answered ${res.status}`);
      const allow = res.headers.get("access-control-allow-origin");
      assert.ok(allow === "*" || allow === "http://example.test", `Access-Control-Allow-Origin: ${allow}`);
      assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/);
    });

    it("acknowledges with an empty argument list", async () => {
      const socket = await connectedSocket();
      socket.send('421["message-with-ack"]');
      assert.deepEqual(await socket.nextPackets(1), ["431[]"]);
      socket.close();
    });
  });
});
