package dev.qring.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real process started by a test (PostgreSQL, Redis, coturn, node, chromium...). Output goes to a log file;
 * {@link #close()} stops it and every descendant by pid (TERM, then KILL after a grace period). A JVM shutdown
 * hook stops whatever a failing test forgot.
 */
public final class ManagedProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Runtime.getRuntime().addShutdownHook(new Thread(this::close));
    }

    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir) {
        try {
            Path logDir = TestPaths.logDir();
            Path log = Files.createTempFile(logDir, name + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
            if (workDir != null) pb.directory(workDir.toFile());
            if (env != null) pb.environment().putAll(env);
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            return new ManagedProcess(name, pb.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + command, e);
        }
    }

    public static ManagedProcess start(String name, List<String> command) {
        return start(name, command, Map.of(), null);
    }

    public long pid() { return process.pid(); }

    public boolean isAlive() { return process.isAlive(); }

    public Path logFile() { return log; }

    public String logText() {
        try { return Files.readString(log); } catch (IOException e) { return "<no log: " + e + ">"; }
    }

    /** Waits for the process to exit and returns its exit code; kills it on timeout. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new IllegalStateException(name + " did not exit within " + timeout + "; log:\n" + tail(4000));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String tail(int chars) {
        String t = logText();
        return t.length() <= chars ? t : t.substring(t.length() - chars);
    }

    @Override
    public void close() {
        ProcessHandle h = process.toHandle();
        List<ProcessHandle> all = new ArrayList<>(h.descendants().toList());
        all.add(h);
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    @Override
    public String toString() { return name + "(pid " + process.pid() + ")"; }
}
