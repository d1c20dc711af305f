package dev.qring.app.realtime.calls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Socket counting per call party and the reconcile-based reports (gone / back). */
class PartyPresenceTest {
    final List<String> reports = Collections.synchronizedList(new ArrayList<>());
    final UUID owner = UUID.randomUUID();
    final VisitorPrincipal visitor = new VisitorPrincipal(UUID.randomUUID(), UUID.randomUUID(), owner);
    final HomeownerPrincipal phone = new HomeownerPrincipal(owner, "tok-phone");
    final HomeownerPrincipal laptop = new HomeownerPrincipal(owner, "tok-laptop");

    /** Runs queued tasks only when told to, so the test controls when reports happen. */
    static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        @Override public synchronized void execute(Runnable r) { queue.add(r); }
        void runAll() {
            Runnable r;
            while ((r = poll()) != null) r.run();
        }
        private synchronized Runnable poll() { return queue.poll(); }
    }

    PartyPresence presence(Executor executor) {
        return new PartyPresence(executor, p -> reports.add("gone " + name(p)), p -> reports.add("back " + name(p)));
    }

    String name(Principal p) {
        return p == visitor ? "visitor" : p == phone ? "phone" : "laptop";
    }

    @Test
    void lastSocketGoingReportsGoneAndAFirstSocketReportsBack() {
        ManualExecutor ex = new ManualExecutor();
        PartyPresence presence = presence(ex);
        presence.connected(visitor);
        presence.connected(visitor); // a second tab
        ex.runAll();
        assertThat(reports).containsExactly("back visitor");
        presence.disconnected(visitor);
        ex.runAll();
        assertThat(reports).containsExactly("back visitor"); // one tab is still there
        presence.disconnected(visitor);
        ex.runAll();
        assertThat(reports).containsExactly("back visitor", "gone visitor");
        assertThat(presence.sockets(visitor)).isZero();
        presence.connected(visitor);
        ex.runAll();
        assertThat(reports).containsExactly("back visitor", "gone visitor", "back visitor");
    }

    @Test
    void devicesAreSeparateParties() {
        ManualExecutor ex = new ManualExecutor();
        PartyPresence presence = presence(ex);
        presence.connected(phone);
        presence.connected(laptop);
        ex.runAll();
        presence.disconnected(laptop);
        ex.runAll();
        assertThat(reports).containsExactly("back phone", "back laptop", "gone laptop");
        assertThat(presence.sockets(phone)).isEqualTo(1);
    }

    @Test
    void aQuickReconnectBeforeTheReportsRunEndsPresent() {
        ManualExecutor ex = new ManualExecutor();
        PartyPresence presence = presence(ex);
        presence.connected(phone);
        ex.runAll();
        // The phone switches networks: the new socket connects before the old one's disconnect is processed,
        // or just after — either way the party ends up present and the grace is never left running.
        presence.disconnected(phone);
        presence.connected(phone);
        ex.runAll();
        assertThat(reports).containsExactly("back phone");
        presence.connected(phone);
        presence.disconnected(phone);
        ex.runAll();
        assertThat(reports).containsExactly("back phone");
        assertThat(presence.sockets(phone)).isEqualTo(1);
    }

    @Test
    void aReportThatFailsBecauseTheDatabaseIsDownIsRetried() throws Exception {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        ManualExecutor ex = new ManualExecutor();
        PartyPresence presence = new PartyPresence(ex, p -> {
            if (attempts.incrementAndGet() == 1) {
                throw new dev.qring.domain.DomainException(dev.qring.domain.ErrorCode.UNAVAILABLE, "database unavailable");
            }
            reports.add("gone " + name(p));
        }, p -> reports.add("back " + name(p)));
        presence.connected(visitor);
        ex.runAll();
        presence.disconnected(visitor);
        ex.runAll(); // the first report fails
        assertThat(reports).containsExactly("back visitor");
        assertThat(attempts.get()).isEqualTo(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && !reports.contains("gone visitor")) {
            Thread.sleep(20);
            ex.runAll(); // the retry comes back through the executor after PartyPresence.RETRY_AFTER
        }
        assertThat(reports).containsExactly("back visitor", "gone visitor");
        assertThat(attempts.get()).isEqualTo(2);
    }

    @Test
    void concurrentChurnConvergesToTheTruth() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 20; round++) {
                reports.clear();
                PartyPresence presence = presence(pool);
                List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    fs.add(pool.submit(() -> { presence.connected(visitor); presence.disconnected(visitor); }));
                }
                for (var f : fs) f.get();
                presence.connected(visitor); // one socket stays
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < deadline && !(reports.isEmpty() ? "" : reports.getLast()).equals("back visitor")) {
                    Thread.sleep(5);
                }
                Thread.sleep(30);
                assertThat(reports.getLast()).as("round %d: %s", round, reports).isEqualTo("back visitor");
                assertThat(presence.sockets(visitor)).isEqualTo(1);
                // Never two "back" in a row (a party is forgotten only after "gone"). A repeated "gone" can happen when
                // a forgotten party's next socket comes and goes before its first report; the service treats it as a
                // no-op (the grace is not extended).
                for (int i = 1; i < reports.size(); i++) {
                    if (reports.get(i).startsWith("back")) assertThat(reports.get(i - 1)).as("round %d: %s", round, reports).isEqualTo("gone visitor");
                }
            }
        }
    }
}
