package dev.qring.domain.chat;

import dev.qring.domain.Backend;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.DomainTestBase;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.QRingDomain;
import dev.qring.domain.RecordingEvents;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.visitor.Created;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class ChatServiceTest extends DomainTestBase {
    HomeownerPrincipal home;
    Created created;
    VisitorPrincipal guest;
    UUID sid;

    void session() {
        home = newHomeowner();
        created = ring(door(home));
        guest = visitor(created);
        sid = created.session().id();
    }

    @Test
    void bothPartiesChatWithGapFreeSeqsAndEventsAfterCommit() {
        session();
        SendResult a = join(domain.chat().send(guest, sid, "c1", "  Hello, parcel here \n"));
        SendResult b = join(domain.chat().send(home, sid, "c1", "Coming!"));
        SendResult c = join(domain.chat().send(guest, sid, "c2", "Thanks"));
        assertThat(a.duplicate()).isFalse();
        assertThat(a.message().body()).isEqualTo("Hello, parcel here");
        assertThat(a.message().senderRole()).isEqualTo("visitor");
        assertThat(b.message().senderRole()).isEqualTo("homeowner");
        assertThat(List.of(a, b, c)).extracting(r -> r.message().seq()).containsExactly(1L, 2L, 3L);
        List<Message> all = join(domain.chat().history(home, sid, 0, 100));
        assertThat(all).containsExactly(a.message(), b.message(), c.message());
        assertThat(join(domain.chat().history(guest, sid, 1, 100))).containsExactly(b.message(), c.message());
        assertThat(join(domain.chat().history(guest, sid, 1, 1))).containsExactly(b.message());
        assertThat(join(domain.chat().history(guest, sid, 3, 100))).isEmpty();
        assertThat(events.messages).containsExactly(a.message(), b.message(), c.message());
        assertCode(domain.chat().history(guest, sid, -1, 10), ErrorCode.INVALID);
    }

    @Test
    void aRetriedClientIdReturnsTheStoredMessageAndWritesNothing() throws Exception {
        session();
        SendResult first = join(domain.chat().send(guest, sid, "retry-me", "Hello"));
        SendResult again = join(domain.chat().send(guest, sid, "retry-me", "Hello"));
        SendResult changed = join(domain.chat().send(guest, sid, "retry-me", "Hello?? (edited)"));
        assertThat(again.duplicate()).isTrue();
        assertThat(again.message()).isEqualTo(first.message());
        assertThat(changed.message()).isEqualTo(first.message());
        // the same clientId from the other party is a different message (unique per sender role)
        SendResult other = join(domain.chat().send(home, sid, "retry-me", "Hi"));
        assertThat(other.duplicate()).isFalse();
        assertThat(other.message().seq()).isEqualTo(2);
        // two identical sends at once (double tap): one row
        var x = domain.chat().send(home, sid, "tap", "Hey");
        var y = domain.chat().send(home, sid, "tap", "Hey");
        assertThat(join(x).message()).isEqualTo(join(y).message());
        assertThat(rows(sid)).isEqualTo(3);
    }

    @Test
    void badInputIsInvalidAndStoresNothing() throws Exception {
        session();
        assertCode(domain.chat().send(guest, sid, "c1", ""), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, "c1", "   \n\t "), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, "c1", null), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, "c1", "x".repeat(2001)), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, "c1", "bell\u0007"), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, "", "hi"), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, null, "hi"), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, "has space", "hi"), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, sid, "c".repeat(101), "hi"), ErrorCode.INVALID);
        assertCode(domain.chat().send(guest, null, "c1", "hi"), ErrorCode.INVALID);
        assertThat(rows(sid)).isZero();
        assertThat(events.messages).isEmpty();
        // the limits themselves are fine: 2000 characters (also as emoji, i.e. surrogate pairs) and a 100-char clientId
        assertThat(join(domain.chat().send(guest, sid, "c".repeat(100), "x".repeat(2000))).message().body()).hasSize(2000);
        String emoji = "\uD83D\uDE00".repeat(2000);
        assertThat(join(domain.chat().send(guest, sid, "e1", emoji)).message().body()).isEqualTo(emoji);
        assertThat(join(domain.chat().send(guest, sid, "e2", "multi\nline\ttext")).message().body()).isEqualTo("multi\nline\ttext");
    }

    @Test
    void onlyTheSessionsPartiesMayChatAndOnlyWhileItIsOpen() throws Exception {
        session();
        HomeownerPrincipal mallory = newHomeowner();
        Created otherSession = ring(door(home));
        VisitorPrincipal otherVisitor = visitor(otherSession);
        assertCode(domain.chat().send(mallory, sid, "m1", "hi"), ErrorCode.NOT_FOUND);
        assertCode(domain.chat().send(otherVisitor, sid, "m1", "hi"), ErrorCode.NOT_FOUND);
        assertCode(domain.chat().send(guest, UUID.randomUUID(), "m1", "hi"), ErrorCode.NOT_FOUND);
        assertCode(domain.chat().history(mallory, sid, 0, 10), ErrorCode.NOT_FOUND);
        assertCode(domain.chat().history(otherVisitor, sid, 0, 10), ErrorCode.NOT_FOUND);
        assertCode(domain.chat().markRead(otherVisitor, sid, 1), ErrorCode.NOT_FOUND);
        // a forged principal with the right session id but another homeowner gets nothing either
        assertCode(domain.chat().send(new VisitorPrincipal(otherSession.session().id(), UUID.randomUUID(), mallory.homeownerId()),
                sid, "m1", "hi"), ErrorCode.NOT_FOUND);
        assertThat(rows(sid)).isZero();

        join(domain.sessions().decline(home, sid));
        assertCode(domain.chat().send(guest, sid, "late", "hello?"), ErrorCode.CONFLICT);
        join(domain.sessions().end(home, otherSession.session().id()));
        assertCode(domain.chat().send(otherVisitor, otherSession.session().id(), "late", "hello?"), ErrorCode.CONFLICT);
        assertThat(rows(sid)).isZero();
        assertThat(rows(otherSession.session().id())).isZero();
    }

    @Test
    void seqStaysGapFreeUnderConcurrentSendersAcrossSessions() throws Exception {
        home = newHomeowner();
        var door = door(home);
        List<Created> sessions = new ArrayList<>();
        for (int i = 0; i < 5; i++) sessions.add(ring(door));
        List<Principal[]> senders = new ArrayList<>(); // [principal, sessionId-holder]
        List<Thread> threads = new ArrayList<>();
        int perSender = 15;
        Map<String, CompletableFuture<SendResult>> futures = new ConcurrentHashMap<>();
        for (Created c : sessions) {
            VisitorPrincipal v = visitor(c);
            for (int k = 0; k < 4; k++) { // 4 senders per session: 2 as the visitor (two tabs), 2 as the homeowner
                Principal p = k < 2 ? v : home;
                String prefix = "s" + k + "-";
                UUID id = c.session().id();
                threads.add(Thread.ofVirtual().unstarted(() -> {
                    for (int m = 0; m < perSender; m++) {
                        futures.put(id + prefix + m, domain.chat().send(p, id, prefix + m, "msg " + prefix + m));
                    }
                }));
            }
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) t.join();
        assertThat(futures).hasSize(5 * 4 * perSender);
        futures.values().forEach(DomainTestBase::join);
        for (Created c : sessions) {
            List<Message> h = join(domain.chat().history(home, c.session().id(), 0, 500));
            assertThat(h).extracting(Message::seq).containsExactlyElementsOf(
                    LongStream.rangeClosed(1, 4L * perSender).boxed().toList());
            assertThat(h).extracting(m -> m.senderRole() + m.clientId()).doesNotHaveDuplicates();
            // each sender's own messages are stored in the order it sent them
            for (int k = 0; k < 4; k++) {
                String prefix = "s" + k + "-";
                assertThat(h.stream().filter(m -> m.clientId().startsWith(prefix)).map(Message::clientId).toList())
                        .containsExactlyElementsOf(LongStream.range(0, perSender).mapToObj(m -> prefix + m).toList());
            }
        }
        assertThat(events.messages).hasSize(5 * 4 * perSender);
    }

    @Test
    void readMarkersArePersistedCappedAndNeverMoveBack() {
        session();
        for (int i = 1; i <= 3; i++) join(domain.chat().send(guest, sid, "c" + i, "m" + i));
        ReadMarkers m = join(domain.chat().markRead(home, sid, 2));
        assertThat(m.homeownerReadSeq()).isEqualTo(2);
        assertThat(m.visitorReadSeq()).isZero();
        assertThat(m.lastSeq()).isEqualTo(3);
        assertThat(join(domain.chat().markRead(home, sid, 1)).homeownerReadSeq()).isEqualTo(2); // never back
        assertThat(join(domain.chat().markRead(guest, sid, 99)).visitorReadSeq()).isEqualTo(3); // capped
        assertCode(domain.chat().markRead(guest, sid, -1), ErrorCode.INVALID);
        assertThat(events.reads).containsExactly(new RecordingEvents.Read(sid, "homeowner", 2), new RecordingEvents.Read(sid, "visitor", 3));
        QRingDomain again = restart(s -> s);
        ReadMarkers after = join(again.chat().readMarkers(guest, sid));
        assertThat(after).isEqualTo(new ReadMarkers(sid, 3, 2, 3));
    }

    /**
     * The writer cannot get the session row (another transaction holds its lock, like a stuck database): the send is
     * answered not_saved within the bound, and is NOT committed later when the lock is released. A retry then stores
     * it once, with the next gap-free seq.
     */
    @Test
    void aSendAnsweredNotSavedIsNeverCommittedLater() throws Exception {
        QRingDomain d = restart(s -> new DomainSettings(s.database(), s.publicUrl(), s.ringTimeout(), s.visitorTokenTtl(),
                Duration.ofMillis(1500), s.clock(), s.limits()));
        session();
        join(d.chat().send(guest, sid, "before", "one"));
        try (Connection blocker = d.database().dataSource().getConnection()) {
            try (PreparedStatement ps = blocker.prepareStatement("SELECT last_seq FROM visitor_session WHERE id = ? FOR UPDATE")) {
                ps.setObject(1, sid);
                ps.executeQuery().close();
            }
            long t0 = System.nanoTime();
            var f = d.chat().send(guest, sid, "stuck", "two");
            assertThat(failure(f).code()).isEqualTo(ErrorCode.NOT_SAVED);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).isBetween(1400L, 4000L); // the bound, plus slack for a busy 2-core CI machine
            blocker.rollback();
        }
        Thread.sleep(1500); // give a (wrong) late commit every chance to happen
        assertThat(join(d.chat().history(home, sid, 0, 10))).extracting(Message::clientId).containsExactly("before");
        assertThat(events.messages).extracting(Message::clientId).containsExactly("before");
        SendResult retry = join(d.chat().send(guest, sid, "stuck", "two"));
        assertThat(retry.duplicate()).isFalse();
        assertThat(retry.message().seq()).isEqualTo(2);
    }

    private long rows(UUID session) throws Exception {
        try (Connection c = domain.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM message WHERE session_id = ?")) {
            ps.setObject(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
