package dev.qring.conformance;

import dev.qring.testkit.NodeScript;
import dev.qring.testkit.TestPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Where the JS tests live and how they are run (node resolves packages from the repository's node_modules). */
final class JsTests {
    private JsTests() { }

    static Path dir() {
        return TestPaths.repoRoot().resolve("backend/conformance/src/test/js");
    }

    /** Runs one node:test file against {@code url} and returns its report (does not assert). */
    static NodeScript.Result run(String relativePath, String url, Duration timeout) {
        Path root = TestPaths.repoRoot();
        if (!Files.isDirectory(root.resolve("node_modules/socket.io-client"))) {
            throw new IllegalStateException("node_modules missing at " + root + ": run `npm ci` at the repository root (./qring test does)");
        }
        return NodeScript.of(dir().resolve(relativePath)).args(url).timeout(timeout).runTests();
    }
}
