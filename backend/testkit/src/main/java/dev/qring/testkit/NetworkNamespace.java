package dev.qring.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A Linux network namespace made by a test (needs root: {@code ip netns}), for network conditions loopback cannot
 * give — e.g. the seed checklist's "UDP blocked on the client network" failover test.
 *
 * <p>Guarantees: names are unique per instance ({@code qrt-<prefix>-<random>}), so parallel runs never share a
 * namespace; addresses given to {@link #link} exist only inside the namespaces the test made (use 10.200.x.y);
 * {@link #close()} kills every process still in the namespace (by the pids {@code ip netns pids} lists) and then
 * deletes it, which also removes its veth ends. A JVM shutdown hook does the same for a test that forgot.
 *
 * <pre>{@code
 * try (NetworkNamespace turnNs = NetworkNamespace.create("turn"); NetworkNamespace client = NetworkNamespace.create("cli")) {
 *     NetworkNamespace.link(turnNs, "10.200.0.1/24", client, "10.200.0.2/24");
 *     CoturnProcess turn = CoturnProcess.builder().listenIp("10.200.0.1").ports(3478, 5349)
 *             .allowedPeer("10.200.0.0-10.200.0.255").commandPrefix(turnNs.execPrefix()).start();
 *     client.dropUdp();   // UDP blocked on the client network: only TURN over TCP/TLS gets through
 * }
 * }</pre>
 */
public final class NetworkNamespace implements AutoCloseable {
    private final String name;
    private volatile boolean closed;
    private final Thread hook;

    private NetworkNamespace(String name) {
        this.name = name;
        this.hook = new Thread(this::close);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Empty when namespaces can be made here; otherwise why not (e.g. not root, or no {@code ip netns} in a
     * container). Tests use it to skip with a clear message.
     */
    public static Optional<String> unsupportedReason() {
        String probe = "qrt-probe-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        Exec add = exec(List.of("ip", "netns", "add", probe), Duration.ofSeconds(10));
        if (add.exitCode() != 0) return Optional.of("`ip netns add` is not permitted here: " + add.output().strip());
        exec(List.of("ip", "netns", "del", probe), Duration.ofSeconds(10));
        return Optional.empty();
    }

    /** Creates a fresh namespace with {@code lo} up. */
    public static NetworkNamespace create(String prefix) {
        String name = "qrt-" + prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        exec(List.of("ip", "netns", "add", name), Duration.ofSeconds(10)).require("ip netns add " + name);
        NetworkNamespace ns = new NetworkNamespace(name);
        ns.ip("link", "set", "lo", "up");
        return ns;
    }

    public String name() { return name; }

    /**
     * Connects two namespaces with a veth pair and addresses both ends ({@code 10.200.0.1/24} style; the
     * addresses exist only inside these namespaces).
     */
    public static void link(NetworkNamespace a, String cidrA, NetworkNamespace b, String cidrB) {
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String va = "qa" + suffix;   // interface names: at most 15 characters
        String vb = "qb" + suffix;
        exec(List.of("ip", "link", "add", va, "netns", a.name, "type", "veth", "peer", "name", vb, "netns", b.name),
                Duration.ofSeconds(10)).require("create veth pair " + va + "/" + vb);
        a.ip("addr", "add", cidrA, "dev", va);
        a.ip("link", "set", va, "up");
        b.ip("addr", "add", cidrB, "dev", vb);
        b.ip("link", "set", vb, "up");
    }

    /** {@code ip netns exec NAME}: prefix for commands that must run inside (see {@link CoturnProcess.Builder#commandPrefix}). */
    public List<String> execPrefix() { return List.of("ip", "netns", "exec", name); }

    /** Starts a long-running process inside the namespace (stopped by pid on close, and again by {@link #close()}). */
    public ManagedProcess start(String processName, List<String> command, Map<String, String> env, Path workDir) {
        List<String> cmd = new ArrayList<>(execPrefix());
        cmd.addAll(command);
        return ManagedProcess.start(processName, cmd, env, workDir);
    }

    /** Runs a command inside the namespace to completion (exit code -1 when killed after {@code timeout}). */
    public Exec run(List<String> command, Duration timeout) {
        List<String> cmd = new ArrayList<>(execPrefix());
        cmd.addAll(command);
        return exec(cmd, timeout);
    }

    /**
     * Drops every UDP packet entering or leaving this namespace (nftables, inet family: IPv4 and IPv6), as on a
     * network that blocks UDP. ICMP and TCP still pass.
     */
    public void dropUdp() {
        String rules = """
                table inet qring_udp_block {
                  chain input { type filter hook input priority 0; policy accept; meta l4proto udp drop; }
                  chain output { type filter hook output priority 0; policy accept; meta l4proto udp drop; }
                }
                """;
        Path file = TestPaths.scratch("nft").resolve("udp-block.nft");
        try {
            java.nio.file.Files.writeString(file, rules);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        run(List.of("nft", "-f", file.toString()), Duration.ofSeconds(10)).require("nft drop udp in " + name);
    }

    /** Removes the rules {@link #dropUdp()} added. */
    public void allowUdp() {
        run(List.of("nft", "delete", "table", "inet", "qring_udp_block"), Duration.ofSeconds(10)).require("nft allow udp in " + name);
    }

    /** Pids of the processes currently inside the namespace. */
    public List<Long> pids() {
        Exec r = exec(List.of("ip", "netns", "pids", name), Duration.ofSeconds(10));
        List<Long> pids = new ArrayList<>();
        for (String l : r.output().split("\\s+")) {
            if (l.matches("\\d+")) pids.add(Long.parseLong(l));
        }
        return pids;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        // Kill by the exact pids inside this namespace (TERM, then KILL), never by name.
        for (int round = 0; round < 2; round++) {
            List<Long> pids = pids();
            if (pids.isEmpty()) break;
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    h.destroy();
                    try {
                        h.onExit().get(3, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        h.destroyForcibly();
                    }
                });
            }
        }
        exec(List.of("ip", "netns", "del", name), Duration.ofSeconds(10));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // close() is running from the hook itself
        }
    }

    @Override
    public String toString() { return "netns " + name; }

    private void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        exec(cmd, Duration.ofSeconds(10)).require(String.join(" ", cmd));
    }

    /** The outcome of a finished command: exit code and merged stdout/stderr. */
    public record Exec(int exitCode, String output) {
        public Exec require(String what) {
            if (exitCode != 0) throw new IllegalStateException(what + " failed (exit " + exitCode + "): " + output.strip());
            return this;
        }
    }

    static Exec exec(List<String> command, Duration timeout) {
        ManagedProcess p = ManagedProcess.start("netns-" + command.get(command.size() > 3 ? 3 : 0).replaceAll("[^A-Za-z0-9_.-]", "_"),
                command, Map.of(), null);
        try {
            int exit = p.waitFor(timeout);
            return new Exec(exit, p.logText());
        } catch (IllegalStateException timedOut) {
            return new Exec(-1, p.logText() + "\n[killed after " + timeout + "]");
        } finally {
            p.close();
        }
    }
}
