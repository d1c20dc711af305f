package dev.qring.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one Node.js script as a {@link ManagedProcess} (stopped by pid, output in a log file) and reads its outcome.
 *
 * <p>Two styles of script are supported:
 * <ul>
 *   <li>a plain script that prints one result line (e.g. {@code RESULT {"ok":true}}): {@link #run()}, then
 *       {@link Result#line(String)} / {@link Result#assertExitCode(int)};</li>
 *   <li>a {@code node:test} file: {@link #runTests()} attaches a small reporter that prints one machine-readable
 *       line per test, so {@link Result#tests()} lists every test with its status and failure message.</li>
 * </ul>
 * Scripts should live inside the repository so that Node resolves packages from the root {@code node_modules}.
 *
 * <pre>{@code
 * NodeScript.Result r = NodeScript.of(TestPaths.repoRoot().resolve("backend/x/src/test/js/foo.test.mjs"))
 *         .args("http://127.0.0.1:" + port).timeout(Duration.ofSeconds(30)).runTests();
 * r.assertAllTestsPassed(5);
 * }</pre>
 */
public final class NodeScript {
    /** Prefix of the lines printed by the built-in {@code node:test} reporter. */
    static final String TEST_LINE = "##node-test\t";

    private final Path script;
    private final List<String> args = new ArrayList<>();
    private final List<String> nodeOptions = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout = Duration.ofSeconds(60);
    private Path workDir;

    private NodeScript(Path script) {
        if (!Files.isRegularFile(script)) throw new IllegalArgumentException("no such node script: " + script);
        this.script = script.toAbsolutePath();
    }

    public static NodeScript of(Path script) { return new NodeScript(script); }

    /** Arguments after the script path ({@code process.argv[2..]}). */
    public NodeScript args(String... values) { args.addAll(List.of(values)); return this; }

    /** Options for node itself, placed before the script path (e.g. {@code --test-name-pattern=x}). */
    public NodeScript nodeOptions(String... values) { nodeOptions.addAll(List.of(values)); return this; }

    public NodeScript env(String name, String value) { env.put(name, value); return this; }

    /** The whole run must finish within this time, else the process is killed and the run fails. Default 60 s. */
    public NodeScript timeout(Duration d) { timeout = d; return this; }

    /** Working directory (default: the script's directory). */
    public NodeScript workDir(Path dir) { workDir = dir; return this; }

    /** Runs the script as is and waits for it to exit. */
    public Result run() {
        return execute(List.of());
    }

    /** Runs a {@code node:test} file with the line-per-test reporter and waits for it to exit. */
    public Result runTests() {
        Path reporter = writeReporter();
        return execute(List.of("--test-reporter=" + reporter, "--test-reporter-destination=stdout"));
    }

    private Result execute(List<String> extraNodeOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestPaths.node());
        cmd.addAll(extraNodeOptions);
        cmd.addAll(nodeOptions);
        cmd.add(script.toString());
        cmd.addAll(args);
        Map<String, String> fullEnv = new LinkedHashMap<>(env);
        fullEnv.putIfAbsent("NO_COLOR", "1");
        String name = "node-" + script.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        long started = System.nanoTime();
        ManagedProcess p = ManagedProcess.start(name, cmd, fullEnv, workDir != null ? workDir : script.getParent());
        try {
            int exit = p.waitFor(timeout);
            String out = p.logText();
            return new Result(script, exit, out, parseTests(out), p.logFile(),
                    Duration.ofNanos(System.nanoTime() - started));
        } finally {
            p.close();
        }
    }

    /** The outcome of one run: exit code, the whole output (stdout and stderr merged), parsed test lines. */
    public record Result(Path script, int exitCode, String output, List<TestCase> tests, Path logFile, Duration took) {

        /** The text after the last line starting with {@code prefix} (e.g. "RESULT "), if any. */
        public Optional<String> line(String prefix) {
            String found = null;
            for (String l : output.split("\n")) if (l.startsWith(prefix)) found = l.substring(prefix.length()).strip();
            return Optional.ofNullable(found);
        }

        /** Like {@link #line} but fails with the output tail when the line is missing. */
        public String requireLine(String prefix) {
            return line(prefix).orElseThrow(() -> new AssertionError(
                    "no line starting with '" + prefix + "' in the output of " + script.getFileName() + ":\n" + tail()));
        }

        public Result assertExitCode(int expected) {
            if (exitCode != expected) {
                throw new AssertionError(script.getFileName() + " exited with " + exitCode + " (expected " + expected
                        + "); log " + logFile + ":\n" + tail());
            }
            return this;
        }

        public List<TestCase> failed() {
            return tests.stream().filter(t -> t.status() == Status.FAIL).toList();
        }

        public List<TestCase> passed() {
            return tests.stream().filter(t -> t.status() == Status.PASS).toList();
        }

        /**
         * Fails unless at least {@code minTests} tests ran, none failed and the process exited with 0. The message
         * names every failed test with its failure text, so a red build says exactly what broke.
         */
        public Result assertAllTestsPassed(int minTests) {
            List<TestCase> failed = failed();
            if (!failed.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                sb.append(failed.size()).append(" of ").append(tests.size()).append(" node tests failed in ")
                        .append(script.getFileName()).append(" (log ").append(logFile).append("):\n");
                for (TestCase t : failed) sb.append("  ✗ ").append(t.name()).append("\n      ")
                        .append(t.message().replace("\n", "\n      ")).append("\n");
                throw new AssertionError(sb.toString());
            }
            if (tests.size() < minTests) {
                throw new AssertionError("only " + tests.size() + " node tests reported by " + script.getFileName()
                        + " (expected at least " + minTests + "); output:\n" + tail());
            }
            assertExitCode(0);
            return this;
        }

        /** The last few KB of output, for failure messages. */
        public String tail() {
            return output.length() <= 6000 ? output : "..." + output.substring(output.length() - 6000);
        }
    }

    public enum Status { PASS, FAIL, SKIP }

    /** One leaf test of a {@code node:test} run; {@code name} joins the enclosing describe() names with " > ". */
    public record TestCase(String name, Status status, String message, double durationMs) { }

    static List<TestCase> parseTests(String output) {
        List<TestCase> list = new ArrayList<>();
        for (String l : output.split("\n")) {
            if (!l.startsWith(TEST_LINE)) continue;
            String[] f = l.substring(TEST_LINE.length()).split("\t", -1);
            if (f.length < 4) continue;
            Status s = switch (f[0]) {
                case "pass" -> Status.PASS;
                case "skip" -> Status.SKIP;
                default -> Status.FAIL;
            };
            double ms;
            try { ms = Double.parseDouble(f[2]); } catch (NumberFormatException e) { ms = -1; }
            list.add(new TestCase(unescape(f[1]), s, unescape(f[3]), ms));
        }
        return list;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(switch (n) { case 'n' -> '\n'; case 't' -> '\t'; case 'r' -> '\r'; default -> n; });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * A {@code node:test} reporter (an async generator over test events) printing, for each leaf test,
     * {@code ##node-test<TAB>pass|fail|skip<TAB>suite > name<TAB>duration_ms<TAB>message}. Suites (describe)
     * are not reported themselves: their failures always show up as failed leaf tests, except a hook failure,
     * which is reported under the suite's own name.
     */
    private static final String REPORTER = """
            const esc = (s) => String(s ?? '').replace(/\\\\/g, '\\\\\\\\').replace(/\\n/g, '\\\\n').replace(/\\t/g, '\\\\t').replace(/\\r/g, '\\\\r');
            function describeError(e) {
              if (!e) return '';
              let m = e.message ?? String(e);
              const c = e.cause;
              if (c && c !== e) m = (c.message ?? String(c)) + (c.stack ? '\\n' + String(c.stack).split('\\n').filter((l) => /^\\s+at /.test(l)).slice(0, 3).join('\\n') : '');
              return m;
            }
            export default async function* reporter(source) {
              const stack = [];
              for await (const ev of source) {
                const d = ev.data ?? {};
                if (ev.type === 'test:start') { stack[d.nesting] = d.name; stack.length = d.nesting + 1; continue; }
                if (ev.type !== 'test:pass' && ev.type !== 'test:fail') {
                  if (ev.type === 'test:stdout' || ev.type === 'test:stderr') yield d.message;
                  continue;
                }
                const isSuite = d.details?.type === 'suite';
                const hookFailure = isSuite && ev.type === 'test:fail' && d.details?.error?.failureType !== 'subtestsFailed';
                if (isSuite && !hookFailure) continue;
                const path = [...stack.slice(0, d.nesting), d.name].join(' > ');
                const status = d.skip || d.todo ? 'skip' : ev.type === 'test:pass' ? 'pass' : 'fail';
                yield `##node-test\\t${status}\\t${esc(path)}\\t${d.details?.duration_ms ?? -1}\\t${esc(ev.type === 'test:fail' ? describeError(d.details?.error) : '')}\\n`;
              }
            }
            """;

    private static Path writeReporter() {
        try {
            Path dir = TestPaths.logDir();
            Path f = dir.resolve("node-test-reporter.mjs");
            // write-then-rename: tests running in parallel never see a half-written reporter
            Path tmp = Files.createTempFile(dir, "node-test-reporter", ".tmp");
            Files.writeString(tmp, REPORTER, StandardCharsets.UTF_8);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return f;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the node test reporter", e);
        }
    }
}
