package dev.qring.domain.visitor;

import dev.qring.domain.Backend;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.DomainTestBase;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.QRingDomain;
import dev.qring.domain.RecordingEvents;
import dev.qring.domain.VisitorPrincipal;
import dev.qring.domain.door.Door;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class VisitorSessionServiceTest extends DomainTestBase {

    @Test
    void creatingASessionRingsItsHomeownerOnly() {
        HomeownerPrincipal h = newHomeowner();
        Door d = door(h);
        Created c = join(domain.sessions().create(d.qrSlug(), "req-1", " Bob ", " Parcel for you ", "192.0.2.1"));
        assertThat(c.replay()).isFalse();
        assertThat(c.visitorToken()).startsWith("qv_");
        VisitorSession s = c.session();
        assertThat(s.status()).isEqualTo(SessionStatus.RINGING);
        assertThat(s.visitorName()).isEqualTo("Bob");
        assertThat(s.purpose()).isEqualTo("Parcel for you");
        assertThat(s.doorId()).isEqualTo(d.id());
        assertThat(s.doorLabel()).isEqualTo(d.label());
        assertThat(s.homeownerId()).isEqualTo(h.homeownerId());
        assertThat(events.rings).hasSize(1);
        assertThat(events.rings.getFirst().session()).isEqualTo(s);
        assertThat(events.rings.getFirst().door().id()).isEqualTo(d.id());
        assertThat(join(domain.sessions().get(h, s.id()))).isEqualTo(s);
    }

    @Test
    void replayedRequestIdReturnsTheSameSessionWithAFreshTokenAndDoesNotRingAgain() {
        Door d = door(newHomeowner());
        Created first = join(domain.sessions().create(d.qrSlug(), "req-1", "Bob", "", "192.0.2.1"));
        Created again = join(domain.sessions().create(d.qrSlug(), "req-1", "Bob (retyped)", "other", "192.0.2.99"));
        assertThat(again.replay()).isTrue();
        assertThat(again.session()).isEqualTo(first.session());
        assertThat(again.visitorToken()).isNotEqualTo(first.visitorToken());
        // Decision: earlier tokens stay valid (the device that got the first answer keeps working).
        VisitorPrincipal v1 = visitor(first);
        VisitorPrincipal v2 = visitor(again);
        assertThat(v1).isEqualTo(v2);
        assertThat(v1.sessionId()).isEqualTo(first.session().id());
        assertThat(events.rings).hasSize(1);
        // another requestId is another session
        Created other = join(domain.sessions().create(d.qrSlug(), "req-2", "Bob", "", "192.0.2.1"));
        assertThat(other.session().id()).isNotEqualTo(first.session().id());
    }

    @Test
    void concurrentDuplicatesOfOneRequestIdMakeOneSession() {
        Door d = door(newHomeowner());
        List<CompletableFuture<Created>> fs = new ArrayList<>();
        for (int i = 0; i < 8; i++) fs.add(domain.sessions().create(d.qrSlug(), "double-tap", "Bob", "", "192.0.2.1"));
        Set<UUID> ids = new HashSet<>();
        int fresh = 0;
        for (var f : fs) {
            Created c = join(f);
            ids.add(c.session().id());
            if (!c.replay()) fresh++;
        }
        assertThat(ids).hasSize(1);
        assertThat(fresh).isEqualTo(1);
        assertThat(events.rings).hasSize(1);
    }

    @Test
    void badInputIsInvalidAndUnknownOrInactiveDoorsAreRefused() {
        HomeownerPrincipal h = newHomeowner();
        Door d = door(h);
        assertCode(domain.sessions().create(d.qrSlug(), "", "Bob", "", "a"), ErrorCode.INVALID);
        assertCode(domain.sessions().create(d.qrSlug(), "has space", "Bob", "", "a"), ErrorCode.INVALID);
        assertCode(domain.sessions().create(d.qrSlug(), "x".repeat(101), "Bob", "", "a"), ErrorCode.INVALID);
        assertCode(domain.sessions().create(d.qrSlug(), "r1", " ", "", "a"), ErrorCode.INVALID);
        assertCode(domain.sessions().create(d.qrSlug(), "r1", "Bob", "p".repeat(501), "a"), ErrorCode.INVALID);
        assertCode(domain.sessions().create("no-such-door", "r1", "Bob", "", "a"), ErrorCode.NOT_FOUND);
        join(domain.doors().update(h, d.id(), null, false));
        assertCode(domain.sessions().create(d.qrSlug(), "r1", "Bob", "", "a"), ErrorCode.FORBIDDEN);
        assertThat(join(domain.sessions().list(h, null, null, 10)).sessions()).isEmpty();
        assertThat(events.rings).isEmpty();
    }

    @Test
    void aVisitorTokenReachesOnlyItsOwnSessionAndAHomeownerOnlyTheirs() {
        HomeownerPrincipal alice = newHomeowner();
        HomeownerPrincipal mallory = newHomeowner();
        Created a1 = ring(door(alice));
        Created a2 = ring(door(alice));
        VisitorPrincipal v1 = visitor(a1);
        assertThat(v1.role()).isEqualTo("visitor");
        assertThat(join(domain.sessions().get(v1, a1.session().id())).id()).isEqualTo(a1.session().id());
        assertCode(domain.sessions().get(v1, a2.session().id()), ErrorCode.NOT_FOUND);
        assertCode(domain.sessions().end(v1, a2.session().id()), ErrorCode.NOT_FOUND);
        assertCode(domain.sessions().get(mallory, a1.session().id()), ErrorCode.NOT_FOUND);
        assertCode(domain.sessions().accept(mallory, a1.session().id()), ErrorCode.NOT_FOUND);
        assertThat(join(domain.sessions().list(mallory, null, null, 10)).sessions()).isEmpty();
        // a visitor cannot accept or decline, even its own session
        assertCode(domain.sessions().accept(v1, a1.session().id()), ErrorCode.FORBIDDEN);
        assertCode(domain.sessions().decline(v1, a1.session().id()), ErrorCode.FORBIDDEN);
        assertThat(join(domain.sessions().get(alice, a1.session().id())).status()).isEqualTo(SessionStatus.RINGING);
        // forged and foreign tokens
        assertThat(join(domain.sessions().authenticateVisitor("qv_forgedforgedforgedforgedforged"))).isEmpty();
        assertThat(join(domain.sessions().authenticateVisitor(null))).isEmpty();
        assertThat(join(domain.sessions().authenticateVisitor("qh_" + a1.visitorToken().substring(3)))).isEmpty();
    }

    @Test
    void acceptThenEndAndTerminalStatesNeverChange() {
        HomeownerPrincipal h = newHomeowner();
        Created c = ring(door(h));
        UUID id = c.session().id();
        VisitorPrincipal v = visitor(c);
        VisitorSession active = join(domain.sessions().accept(h, id));
        assertThat(active.status()).isEqualTo(SessionStatus.ACTIVE);
        assertThat(active.answeredAt()).isNotNull();
        assertThat(join(domain.sessions().accept(h, id))).isEqualTo(active); // second device / retry: unchanged
        assertCode(domain.sessions().decline(h, id), ErrorCode.CONFLICT);
        VisitorSession ended = join(domain.sessions().end(v, id));
        assertThat(ended.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(ended.endReason()).isEqualTo("ended_by_visitor");
        assertThat(ended.endedAt()).isNotNull();
        assertThat(join(domain.sessions().end(h, id))).isEqualTo(ended); // idempotent, reason kept
        assertCode(domain.sessions().accept(h, id), ErrorCode.CONFLICT);
        assertCode(domain.sessions().decline(h, id), ErrorCode.CONFLICT);
        assertThat(join(domain.sessions().get(h, id))).isEqualTo(ended);
        assertThat(events.updates).extracting(VisitorSession::status).containsExactly(SessionStatus.ACTIVE, SessionStatus.ENDED);
    }

    @Test
    void declineIsTerminal() {
        HomeownerPrincipal h = newHomeowner();
        Created c = ring(door(h));
        UUID id = c.session().id();
        VisitorSession declined = join(domain.sessions().decline(h, id));
        assertThat(declined.status()).isEqualTo(SessionStatus.DECLINED);
        assertThat(declined.endReason()).isEqualTo("declined");
        assertCode(domain.sessions().accept(h, id), ErrorCode.CONFLICT);
        assertThat(join(domain.sessions().end(visitor(c), id))).isEqualTo(declined);
        assertThat(join(domain.sessions().decline(h, id))).isEqualTo(declined);
        assertThat(events.updates).hasSize(1);
    }

    @Test
    void concurrentAcceptsFromTwoDevicesChangeTheSessionOnce() {
        HomeownerPrincipal h = newHomeowner();
        HomeownerPrincipal laptop = principal(join(domain.accounts().login(join(domain.accounts().me(h)).email(), "correct horse battery", "x")));
        UUID id = ring(door(h)).session().id();
        var f1 = domain.sessions().accept(h, id);
        var f2 = domain.sessions().accept(laptop, id);
        assertThat(join(f1)).isEqualTo(join(f2));
        assertThat(events.updates).hasSize(1);
    }

    @Test
    void ringTimeoutMovesRingingToMissedAndChatStaysOpen() {
        QRingDomain d = restart(s -> new DomainSettings(s.database(), s.publicUrl(), Duration.ofMillis(700), s.visitorTokenTtl(),
                s.chatSaveTimeout(), s.clock(), s.limits()));
        HomeownerPrincipal h = newHomeowner();
        Created c = ring(door(h));
        UUID id = c.session().id();
        RecordingEvents.await(Duration.ofSeconds(5), "missed", () -> events.updates.stream().anyMatch(u -> u.id().equals(id)));
        VisitorSession s = join(d.sessions().get(h, id));
        assertThat(s.status()).isEqualTo(SessionStatus.MISSED);
        assertThat(s.answeredAt()).isNull();
        assertCode(d.sessions().accept(h, id), ErrorCode.CONFLICT);
        // the visitor can still leave a note, then end
        join(d.chat().send(visitor(c), id, "note-1", "Came by with your parcel"));
        assertThat(join(d.sessions().end(visitor(c), id)).status()).isEqualTo(SessionStatus.ENDED);
    }

    @Test
    void ringTimeoutSurvivesARestart() throws Exception {
        restart(s -> new DomainSettings(s.database(), s.publicUrl(), Duration.ofSeconds(1), s.visitorTokenTtl(),
                s.chatSaveTimeout(), s.clock(), s.limits()));
        HomeownerPrincipal h = newHomeowner();
        UUID overdue = ring(door(h)).session().id();
        // stop before the timer fires; the deadline is in the database
        QRingDomain next = restart(s -> new DomainSettings(s.database(), s.publicUrl(), Duration.ofSeconds(1), s.visitorTokenTtl(),
                s.chatSaveTimeout(), s.clock(), s.limits()));
        assertThat(join(next.sessions().get(h, overdue)).status()).isIn(SessionStatus.RINGING, SessionStatus.MISSED);
        Thread.sleep(1200);
        RecordingEvents.await(Duration.ofSeconds(5), "missed after restart",
                () -> join(next.sessions().get(h, overdue)).status() == SessionStatus.MISSED);
    }

    @Test
    void visitorTokensExpireAndTheSweepEndsTheSession() {
        HomeownerPrincipal h = newHomeowner();
        Created c = ring(door(h));
        join(domain.sessions().accept(h, c.session().id()));
        clock.advance(Duration.ofHours(5));
        assertThat(join(domain.sessions().authenticateVisitor(c.visitorToken()))).isPresent();
        clock.advance(Duration.ofHours(2));
        assertThat(join(domain.sessions().authenticateVisitor(c.visitorToken()))).isEmpty();
        assertThat(join(domain.sessions().sweep())).isGreaterThanOrEqualTo(1);
        VisitorSession s = join(domain.sessions().get(h, c.session().id()));
        assertThat(s.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(s.endReason()).isEqualTo("expired");
    }

    @Test
    void listIsNewestFirstWithStatusFilterAndCursor() {
        HomeownerPrincipal h = newHomeowner();
        Door d = door(h);
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(ring(d).session().id());
            clock.advance(Duration.ofMillis(5));
        }
        join(domain.sessions().decline(h, created.get(2)));
        SessionPage p1 = join(domain.sessions().list(h, null, null, 3));
        assertThat(p1.sessions()).extracting(VisitorSession::id).containsExactly(created.get(6), created.get(5), created.get(4));
        assertThat(p1.next()).isNotNull();
        SessionPage p2 = join(domain.sessions().list(h, null, p1.next(), 3));
        assertThat(p2.sessions()).extracting(VisitorSession::id).containsExactly(created.get(3), created.get(2), created.get(1));
        SessionPage p3 = join(domain.sessions().list(h, null, p2.next(), 3));
        assertThat(p3.sessions()).extracting(VisitorSession::id).containsExactly(created.get(0));
        assertThat(p3.next()).isNull();
        assertThat(join(domain.sessions().list(h, "declined", null, 10)).sessions()).extracting(VisitorSession::id)
                .containsExactly(created.get(2));
        assertCode(domain.sessions().list(h, "bogus", null, 10), ErrorCode.INVALID);
        assertCode(domain.sessions().list(h, null, "not-a-cursor", 10), ErrorCode.INVALID);
    }

    @Test
    void ringsAreRateLimitedPerDoorAndPerAddressButReplaysAreFree() {
        QRingDomain strict = start(backend.freshDatabase(), s -> s.withLimits(new DomainSettings.Limits(10, Duration.ofMinutes(5),
                3, Duration.ofMinutes(1), 4, Duration.ofMinutes(10), Duration.ofDays(30))));
        HomeownerPrincipal h = strict.accounts().signup("rl@example.com", "correct horse battery", "R")
                .thenCompose(a -> strict.accounts().authenticate(a.token())).join().orElseThrow();
        Door d1 = join(strict.doors().create(h, "One"));
        Door d2 = join(strict.doors().create(h, "Two"));
        Door d3 = join(strict.doors().create(h, "Three"));
        for (int i = 0; i < 3; i++) join(strict.sessions().create(d1.qrSlug(), "a" + i, "Bob", "", "198.51.100." + i));
        assertCode(strict.sessions().create(d1.qrSlug(), "a3", "Bob", "", "198.51.100.50"), ErrorCode.RATE_LIMITED);
        // replay of an existing requestId still answers
        assertThat(join(strict.sessions().create(d1.qrSlug(), "a0", "Bob", "", "198.51.100.0")).replay()).isTrue();
        // per address: 4 rings from one address across doors
        join(strict.sessions().create(d2.qrSlug(), "b0", "Eve", "", "203.0.113.9"));
        join(strict.sessions().create(d2.qrSlug(), "b1", "Eve", "", "203.0.113.9"));
        join(strict.sessions().create(d2.qrSlug(), "b2", "Eve", "", "203.0.113.9"));
        join(strict.sessions().create(d3.qrSlug(), "b3", "Eve", "", "203.0.113.9"));
        assertCode(strict.sessions().create(d3.qrSlug(), "b4", "Eve", "", "203.0.113.9"), ErrorCode.RATE_LIMITED);
        join(strict.sessions().create(d3.qrSlug(), "c0", "Ann", "", "203.0.113.10")); // door d3 itself still has room
        clock.advance(Duration.ofMinutes(1));
        join(strict.sessions().create(d1.qrSlug(), "a4", "Bob", "", "198.51.100.60"));
    }
}
