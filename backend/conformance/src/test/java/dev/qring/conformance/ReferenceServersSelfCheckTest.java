package dev.qring.conformance;

import dev.qring.testkit.ManagedProcess;
import dev.qring.testkit.TestPaths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Checks the checkers: runs every JS test of this module against Node's own servers (socket.io 4.8 / engine.io 6.6,
 * src/test/js/reference), configured like ours. If a JS test fails here, the test is wrong, not our server.
 * On demand only (it proves nothing about our code):
 * {@code mvn -f backend/pom.xml -pl conformance test -Dtest=ReferenceServersSelfCheckTest -Dqring.reference=true}.
 */
@EnabledIfSystemProperty(named = "qring.reference", matches = "true")
class ReferenceServersSelfCheckTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");

    @Test
    void interopTestsPassAgainstNodeSocketIo() {
        try (ManagedProcess p = node("reference/interop-server.mjs", "0")) {
            String url = "http://127.0.0.1:" + port(p);
            JsTests.run("interop/namespaces.test.mjs", url, T).assertAllTestsPassed(6);
            JsTests.run("interop/messaging.test.mjs", url, T).assertAllTestsPassed(10);
            JsTests.run("interop/rooms.test.mjs", url, T).assertAllTestsPassed(9);
            JsTests.run("interop/reconnect.test.mjs", url, T).assertAllTestsPassed(5);
            JsTests.run("interop/transports.test.mjs", url, T).assertAllTestsPassed(7);
            dev.qring.testkit.NodeScript.of(JsTests.dir().resolve("interop/many-clients.mjs")).args(url, "40", "4")
                    .timeout(T).run().assertExitCode(0).requireLine("RESULT ");
        }
    }

    @Test
    void heartbeatTestsPassAgainstNodeSocketIo() {
        try (ManagedProcess p = node("reference/interop-server.mjs", "0", "--short-ping")) {
            port(p);
            Matcher m = Pattern.compile("PROXY (\\d+)").matcher(awaitLine(p, "PROXY "));
            if (!m.find()) throw new IllegalStateException("no proxy port");
            JsTests.runAllPassingWithRetries("interop/heartbeat.test.mjs", "http://127.0.0.1:" + m.group(1), T, 3);
        }
    }

    @Test
    void protocolSuitesPassAgainstNodeServers() {
        try (ManagedProcess sio = node("reference/conformance-server.mjs", "socketio", "0");
             ManagedProcess eio = node("reference/conformance-server.mjs", "engineio", "0")) {
            // the same retry rule as ProtocolSuiteTest (the official 300/200 ms timings are load-sensitive)
            JsTests.runAllPassingWithRetries("protocol-suite/socketio.test.mjs", "http://127.0.0.1:" + port(sio), T, 37);
            String eioUrl = "http://127.0.0.1:" + port(eio);
            JsTests.runAllPassingWithRetries("protocol-suite/engineio.test.mjs", eioUrl, T, 29);
            JsTests.runAllPassingWithRetries("engineio/engineio-client.test.mjs", eioUrl, T, 9);
        }
    }

    private static ManagedProcess node(String script, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(TestPaths.node(), JsTests.dir().resolve(script).toString()));
        cmd.addAll(List.of(args));
        return ManagedProcess.start("node-reference", cmd, Map.of(), JsTests.dir());
    }

    private static String awaitLine(ManagedProcess p, String prefix) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            for (String l : p.logText().split("\n")) if (l.startsWith(prefix)) return l;
            try { Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
        }
        throw new IllegalStateException("no '" + prefix + "' line; log:\n" + p.tail(3000));
    }

    private static int port(ManagedProcess p) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            Matcher m = LISTENING.matcher(p.logText());
            if (m.find()) return Integer.parseInt(m.group(1));
            if (!p.isAlive()) break;
            try { Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); break; }
        }
        throw new IllegalStateException("reference server did not start; log:\n" + p.tail(3000));
    }
}
