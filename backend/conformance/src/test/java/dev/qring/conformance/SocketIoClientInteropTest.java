package dev.qring.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.testkit.NodeScript;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The official JavaScript socket.io-client 4.8 (from the repository's node_modules) against our server
 * ({@link InteropServer}, in-process on a free port). One node process per scenario group (a node:test file under
 * src/test/js/interop); each JS test asserts what the client sees, and the Java side asserts what the server saw.
 * The same JS files pass against Node's own socket.io server (src/test/js/reference/interop-server.mjs), see
 * {@link ReferenceServersSelfCheckTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SocketIoClientInteropTest {
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(45);
    private InteropServer server;

    @BeforeAll
    void start() {
        server = new InteropServer();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    /** Runs one scenario group; afterwards every connection it opened must be gone on the server side (no leak). */
    private NodeScript.Result run(String file, String url) {
        NodeScript.Result r = JsTests.run("interop/" + file, url, NODE_TIMEOUT);
        r.assertAllTestsPassed(1);
        awaitNoOpenConnections(file);
        return r;
    }

    @Test
    void namespacesAuthRefusalAndMultiplexing() {
        run("namespaces.test.mjs", server.url()).assertAllTestsPassed(6);

        assertThat(server.events("connect")).as("the server saw the auth payload on /custom")
                .anyMatch(e -> e.nsp().equals("/custom") && e.detail().startsWith("{\"token\":\"abc\",\"n\":1,\"nested\":{\"ok\":true}}"));
        assertThat(server.events("refused")).extracting(InteropServer.Event::detail).contains("{\"token\":\"wrong\"}");
        assertThat(server.events("admitted")).extracting(InteropServer.Event::detail).contains("{\"token\":\"letmein\"}");
        // no socket was ever admitted to the unknown namespace, and leaving /custom was reported with the client's reason
        assertThat(server.events("connect")).extracting(InteropServer.Event::nsp).doesNotContain("/nope");
        assertThat(server.events("disconnect")).filteredOn(e -> e.nsp().equals("/custom"))
                .extracting(InteropServer.Event::detail).contains("client namespace disconnect");
    }

    @Test
    void eventsAcksTimeoutsAndBinaryBothWays() {
        run("messaging.test.mjs", server.url()).assertAllTestsPassed(10);

        // client -> server binary arrived as binary (BinaryNode), nested where the client put it
        JsonNode binArg = server.events("echo").stream().map(e -> e.args().isEmpty() ? null : e.args().getFirst())
                .filter(a -> a != null && a.has("buf")).findFirst().orElseThrow(() -> new AssertionError("no binary echo recorded"));
        assertThat(binArg.get("buf").isBinary()).as("buf is binary: %s", binArg).isTrue();
        assertThat(binaryValue(binArg.get("buf"))).containsExactly(1, 2, 3);
        assertThat(binaryValue(binArg.path("nested").path("list").get(0))).containsExactly(4, 5);
        assertThat(binaryValue(binArg.path("nested").path("list").get(2).path("deep"))).containsExactly(0, (byte) 255);

        // the client's ack to a server emitWithAck carried binary back to the server
        List<JsonNode> binAck = server.events("ack-reply").stream().filter(e -> e.detail().equals("bin-ask"))
                .findFirst().orElseThrow().args();
        assertThat(binaryValue(binAck.getFirst().get("got"))).containsExactly(9, 8, 7);
        assertThat(binaryValue(binAck.getFirst().get("extra"))).containsExactly((byte) 255);

        // a server emitWithAck to a silent client ended with AckTimeoutException
        assertThat(server.events("ack-error")).extracting(InteropServer.Event::detail)
                .contains("question-silent AckTimeoutException");
        assertThat(server.events("ack-reply")).filteredOn(e -> e.detail().equals("question"))
                .singleElement().satisfies(e -> {
                    assertThat(e.args()).hasSize(2);
                    assertThat(e.args().get(0).asInt()).isEqualTo(5);
                    assertThat(e.args().get(1).asText()).isEqualTo("sum");
                });
    }

    @Test
    void roomsJoinLeaveBroadcastExcept() {
        run("rooms.test.mjs", server.url()).assertAllTestsPassed(9);
    }

    @Test
    void reconnectionAfterServerSideDisconnects() {
        // all traffic goes through the cut proxy: "drop-transport" ends the TCP connections without any packet
        int acceptedBefore = server.proxy.accepted();
        run("reconnect.test.mjs", server.proxiedUrl()).assertAllTestsPassed(5);

        List<String> reasons = server.events("disconnect").stream().map(InteropServer.Event::detail).toList();
        assertThat(reasons).contains("server namespace disconnect", "client namespace disconnect", "transport close");
        assertThat(server.proxy.accepted() - acceptedBefore).as("the client reconnected through the proxy").isGreaterThan(4);
    }

    @Test
    void transportsWebsocketOnlyPollingOnlyAndUpgrade() {
        long protocolErrorsBefore = server.io.stats().protocolErrors();
        run("transports.test.mjs", server.url()).assertAllTestsPassed(7);

        List<String> connects = server.events("connect").stream().map(InteropServer.Event::detail).toList();
        assertThat(connects).anyMatch(d -> d.endsWith("transport=websocket"));
        assertThat(connects).anyMatch(d -> d.endsWith("transport=polling"));
        // the over-maxPayload message counted as a protocol error (that one connection closed, server alive)
        assertThat(server.io.stats().protocolErrors()).isGreaterThan(protocolErrorsBefore);
        // large payloads reached the handler intact
        assertThat(server.events("echo")).anyMatch(e -> !e.args().isEmpty() && e.args().getFirst().isTextual()
                && e.args().getFirst().asText().length() == 900_000);
    }

    @Test
    void manyConcurrentClientsHandshakeUpgradeAckAndBroadcast() throws Exception {
        long totalBefore = server.io.stats().connectionsTotal();
        NodeScript.Result r = NodeScript.of(JsTests.dir().resolve("interop/many-clients.mjs"))
                .args(server.url(), "40", "4").timeout(NODE_TIMEOUT).run();
        r.assertExitCode(0);
        JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.requireLine("RESULT "));
        assertThat(result.path("clients").asInt()).isEqualTo(40);
        assertThat(result.path("upgraded").asInt()).as("every client upgraded to websocket").isEqualTo(40);
        assertThat(result.path("acks").asInt()).isEqualTo(800);
        assertThat(result.path("roomMessages").asInt()).isEqualTo(120).isEqualTo(result.path("expectedRoomMessages").asInt());
        assertThat(server.io.stats().connectionsTotal() - totalBefore).as("one Engine.IO connection per client").isEqualTo(40);
        awaitNoOpenConnections("many-clients.mjs");
    }

    private void awaitNoOpenConnections(String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.io.stats().openConnections() > 0 && System.nanoTime() < deadline) {
            try { Thread.sleep(20); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
        }
        assertThat(server.io.stats().openConnections())
                .as("Engine.IO connections still open 5 s after the clients of %s closed", what).isZero();
    }

    private static byte[] binaryValue(JsonNode node) {
        assertThat(node).as("binary node").isNotNull();
        assertThat(node.isBinary()).as("%s is binary", node).isTrue();
        try {
            return node.binaryValue();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
