package dev.qring.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where things are: the repository root (for node_modules, frontend, infra templates) and a per-run scratch dir. */
public final class TestPaths {
    private TestPaths() { }

    /** The repository root: the nearest ancestor of the working directory holding the {@code qring} launcher. */
    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("qring"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("repository root (with ./qring) not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** Scratch space under {@code backend/<module>/target/it}, created on demand. */
    public static Path scratch(String name) {
        try {
            Path dir = Path.of("target", "it").toAbsolutePath();
            Files.createDirectories(dir);
            return Files.createTempDirectory(dir, name + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path logDir() throws IOException {
        Path dir = Path.of("target", "it-logs").toAbsolutePath();
        Files.createDirectories(dir);
        return dir;
    }

    /** The {@code node} executable (PATH). */
    public static String node() { return "node"; }
}
