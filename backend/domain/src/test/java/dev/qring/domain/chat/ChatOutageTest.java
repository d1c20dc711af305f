package dev.qring.domain.chat;

import dev.qring.domain.DomainException;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.MutableClock;
import dev.qring.domain.QRingDomain;
import dev.qring.domain.RecordingEvents;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.db.DatabaseSettings;
import dev.qring.domain.visitor.Created;
import dev.qring.testkit.PostgresProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.qring.domain.DomainTestBase.join;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL stopped mid-conversation (its own server: the shared one stays up for the other tests). Sends are
 * answered not_saved within the 2 s bound, nothing is announced to the other party, the database reports unhealthy;
 * after PostgreSQL returns, retrying the same clientIds stores each exactly once, in order, and reading with afterSeq
 * returns exactly the missing ones. Also the lost-ack case: stored, answer never seen, the retry returns the original.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatOutageTest {
    PostgresProcess pg;
    QRingDomain domain;
    final RecordingEvents events = new RecordingEvents();

    @BeforeAll
    void start() {
        pg = PostgresProcess.startNew();
        pg.createDatabase("outage");
        DatabaseSettings db = DatabaseSettings.postgres(pg.url("outage")); // the postgresql:// form, as QRING_DATABASE_URL
        domain = QRingDomain.start(new DomainSettings(db, "https://qring.test", Duration.ofSeconds(60), Duration.ofHours(6),
                Duration.ofSeconds(2), new MutableClock()), events);
    }

    @AfterAll
    void stop() {
        if (domain != null) domain.close();
        if (pg != null) pg.close();
    }

    @Test
    void sendsDuringAnOutageAreNotSavedAndRetriesAfterwardStoreEachOnceInOrder() throws Exception {
        HomeownerPrincipal home = join(domain.accounts().signup("outage@example.com", "correct horse battery", "O")
                .thenCompose(a -> domain.accounts().authenticate(a.token()))).orElseThrow();
        Created c = join(domain.sessions().create(join(domain.doors().create(home, "Front")).qrSlug(), "r1", "Bob", "", "a"));
        VisitorPrincipal guest = join(domain.sessions().authenticateVisitor(c.visitorToken())).orElseThrow();
        UUID sid = c.session().id();
        for (int i = 1; i <= 3; i++) join(domain.chat().send(i % 2 == 0 ? home : guest, sid, "before-" + i, "before " + i));
        assertThat(domain.database().isHealthy()).isTrue();
        int announcedBefore = events.messages.size();

        pg.stop();

        // three sends during the outage, concurrently
        List<String> ids = List.of("during-1", "during-2", "during-3");
        List<CompletableFuture<SendResult>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (String id : ids) fs.add(domain.chat().send(guest, sid, id, "text of " + id));
        for (CompletableFuture<SendResult> f : fs) {
            try {
                f.get(10, TimeUnit.SECONDS);
                throw new AssertionError("a send succeeded while PostgreSQL was down");
            } catch (ExecutionException e) {
                assertThat(DomainException.of(e).code()).isEqualTo(ErrorCode.NOT_SAVED);
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("not_saved within the 2 s bound (+ scheduling slack on a busy machine)").isLessThan(3000);
        assertThat(domain.database().isHealthy()).isFalse();
        assertThat(events.messages).hasSize(announcedBefore); // nothing reached the other party
        // reads fail cleanly as well (unavailable), the domain stays up
        try {
            domain.chat().history(home, sid, 0, 10).get(10, TimeUnit.SECONDS);
            throw new AssertionError("history worked without a database");
        } catch (ExecutionException e) {
            assertThat(DomainException.of(e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        }

        pg.start();
        RecordingEvents.await(Duration.ofSeconds(15), "database healthy again", () -> domain.database().isHealthy());

        // the client retries the same clientIds, in order
        List<Message> stored = new ArrayList<>();
        for (String id : ids) {
            SendResult r = join(domain.chat().send(guest, sid, id, "text of " + id));
            assertThat(r.duplicate()).as("%s was never stored before", id).isFalse();
            stored.add(r.message());
        }
        assertThat(stored).extracting(Message::seq).containsExactly(4L, 5L, 6L);
        assertThat(stored).extracting(Message::clientId).containsExactlyElementsOf(ids);
        // a second round of retries (e.g. the answers were lost again) writes nothing new
        for (String id : ids) assertThat(join(domain.chat().send(guest, sid, id, "text of " + id)).duplicate()).isTrue();
        // the other party re-joins with the highest seq it had and gets exactly the missing ones
        assertThat(join(domain.chat().history(home, sid, 3, 100))).containsExactlyElementsOf(stored);
        assertThat(join(domain.chat().history(home, sid, 0, 100))).hasSize(6);

        // lost ack: stored, but the answer never reached the client; its retry returns the original
        CompletableFuture<SendResult> lost = domain.chat().send(home, sid, "lost-ack", "Are you there?");
        RecordingEvents.await(Duration.ofSeconds(5), "lost-ack stored",
                () -> join(domain.chat().history(home, sid, 6, 10)).size() == 1);
        SendResult retry = join(domain.chat().send(home, sid, "lost-ack", "Are you there?"));
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.message()).isEqualTo(lost.join().message());
        assertThat(retry.message().seq()).isEqualTo(7);
        assertThat(join(domain.chat().history(home, sid, 0, 100))).hasSize(7);
    }

    /**
     * The one window the design cannot close: COMMIT itself outlives the deadline. Simulated with synchronous
     * replication to a standby that does not exist (COMMIT is durable locally but does not return). The sender gets
     * not_saved and the other party hears nothing; once COMMIT returns the row exists, and the sender's retry with
     * the same clientId returns it (duplicate) and announces it then — both sides end up agreeing, nothing doubled.
     */
    @Test
    void aCommitThatOutlivesTheDeadlineIsResolvedByTheRetry() throws Exception {
        HomeownerPrincipal home = join(domain.accounts().signup("limbo@example.com", "correct horse battery", "L")
                .thenCompose(a -> domain.accounts().authenticate(a.token()))).orElseThrow();
        Created c = join(domain.sessions().create(join(domain.doors().create(home, "Side")).qrSlug(), "r1", "Ann", "", "b"));
        VisitorPrincipal guest = join(domain.sessions().authenticateVisitor(c.visitorToken())).orElseThrow();
        UUID sid = c.session().id();
        join(domain.chat().send(guest, sid, "first", "first"));
        pg.psql("postgres", "ALTER SYSTEM SET synchronous_standby_names = 'nobody'");
        pg.psql("postgres", "SELECT pg_reload_conf()");
        try {
            Thread.sleep(300); // let the backends pick up the setting
            CompletableFuture<SendResult> f = domain.chat().send(guest, sid, "limbo", "in limbo");
            try {
                f.get(10, TimeUnit.SECONDS);
                throw new AssertionError("acknowledged although COMMIT never returned");
            } catch (ExecutionException e) {
                assertThat(DomainException.of(e).code()).isEqualTo(ErrorCode.NOT_SAVED);
            }
        } finally {
            pg.psql("postgres", "ALTER SYSTEM RESET synchronous_standby_names");
            pg.psql("postgres", "SELECT pg_reload_conf()");
        }
        RecordingEvents.await(Duration.ofSeconds(10), "the delayed COMMIT returned",
                () -> join(domain.chat().history(home, sid, 1, 10)).size() == 1);
        assertThat(events.messages).extracting(Message::clientId).doesNotContain("limbo"); // never announced as saved
        SendResult retry = join(domain.chat().send(guest, sid, "limbo", "in limbo"));
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.message().seq()).isEqualTo(2);
        assertThat(events.messages).extracting(Message::clientId).containsOnlyOnce("limbo"); // announced now
        assertThat(join(domain.chat().history(home, sid, 0, 10))).hasSize(2);
    }
}
