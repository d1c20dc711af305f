package dev.qring.domain.turn;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IceServerIssuerTest {
    private static final String SECRET = "rfc-vector-secret-0123456789";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L - 3600);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void credentialIsBase64HmacSha1OfTheUsername() {
        // Vector computed independently:
        //   printf %s '1700000000:qring-test' | openssl dgst -sha1 -hmac 'rfc-vector-secret-0123456789' -binary | base64
        assertThat(IceServerIssuer.credential(SECRET, "1700000000:qring-test")).isEqualTo("DAVAR2TD0FIW9T+jB14s56oQZqY=");
    }

    @Test
    void issuesTheKnownUsernameAndCredentialForASubject() {
        // Vector computed with python (hmac/hashlib/base64) from the documented derivation.
        IceServers s = new IceServerIssuer(TurnSettings.builder().turn("turn:turn.example.org:3478?transport=udp")
                .secret(SECRET).ttl(Duration.ofHours(1)).build(), CLOCK).issue("homeowner:42");
        IceServer turn = s.iceServers().getFirst();
        assertThat(turn.username()).isEqualTo("1700000000:Y05-H-fLxx3dUwEw");
        assertThat(turn.credential()).isEqualTo("+6I8RzNY3xehw2HpUQ+FIiILvQg=");
    }

    @Test
    void orderIsStunThenPrimaryUdpTcpTlsThenStandby() {
        TurnSettings settings = TurnSettings.builder()
                .stun("stun:turn.example.org:3478")
                .turn("turns:turn.example.org:443?transport=tcp", "turns:turn.example.org:5349?transport=tcp",
                        "turn:turn.example.org:3478?transport=tcp", "turn:turn.example.org:3478?transport=udp")
                .standby("turns:eu.example.org:5349?transport=tcp", "turn:eu.example.org:3478")
                .secret(SECRET).build();
        IceServers s = new IceServerIssuer(settings, CLOCK).issue("session:1");
        assertThat(s.iceServers()).hasSize(3);
        assertThat(s.iceServers().get(0)).isEqualTo(new IceServer(List.of("stun:turn.example.org:3478"), null, null));
        assertThat(s.iceServers().get(1).urls()).containsExactly(
                "turn:turn.example.org:3478?transport=udp",
                "turn:turn.example.org:3478?transport=tcp",
                "turns:turn.example.org:443?transport=tcp",      // TLS entries keep their configured order
                "turns:turn.example.org:5349?transport=tcp");
        assertThat(s.iceServers().get(2).urls()).containsExactly("turn:eu.example.org:3478", "turns:eu.example.org:5349?transport=tcp");
        assertThat(s.turnServers()).hasSize(2).allSatisfy(t -> {
            assertThat(t.username()).matches("\\d+:[A-Za-z0-9_-]{16}");
            assertThat(t.credential()).isEqualTo(IceServerIssuer.credential(SECRET, t.username()));
        });
    }

    @Test
    void expiryTtlAndRefreshPoint() {
        IceServers s = new IceServerIssuer(TurnSettings.builder().turn("turn:h.example").secret(SECRET).ttl(Duration.ofMinutes(10)).build(), CLOCK)
                .issue("x");
        assertThat(s.ttlSeconds()).isEqualTo(600);
        assertThat(s.expiresAt()).isEqualTo(NOW.plusSeconds(600));
        assertThat(s.refreshAt()).isEqualTo(NOW.plusSeconds(480));
        assertThat(s.iceServers().getFirst().username()).startsWith((NOW.getEpochSecond() + 600) + ":");
    }

    @Test
    void opaqueIdHidesTheSubjectAndDiffersPerSubjectAndTime() {
        TurnSettings settings = TurnSettings.builder().turn("turn:h.example").secret(SECRET).build();
        String subject = "homeowner:alice@example.org";
        String a = new IceServerIssuer(settings, CLOCK).issue(subject).iceServers().getFirst().username();
        String again = new IceServerIssuer(settings, CLOCK).issue(subject).iceServers().getFirst().username();
        String other = new IceServerIssuer(settings, CLOCK).issue("homeowner:bob").iceServers().getFirst().username();
        String later = new IceServerIssuer(settings, Clock.offset(CLOCK, Duration.ofSeconds(1))).issue(subject).iceServers().getFirst().username();
        assertThat(a).doesNotContain("alice").doesNotContain("example.org").isEqualTo(again);
        assertThat(a.substring(a.indexOf(':'))).isNotEqualTo(other.substring(other.indexOf(':')))
                .isNotEqualTo(later.substring(later.indexOf(':')));
        assertThat(a.chars().filter(c -> c == ':').count()).isEqualTo(1);
    }

    @Test
    void signsWithTheCurrentSecretEvenDuringRotation() {
        TurnSettings settings = TurnSettings.builder().turn("turn:h.example").secret(SECRET).previousSecret("the-old-secret-0123456789").build();
        IceServer t = new IceServerIssuer(settings, CLOCK).issue("x").iceServers().getFirst();
        assertThat(t.credential()).isEqualTo(IceServerIssuer.credential(SECRET, t.username()))
                .isNotEqualTo(IceServerIssuer.credential("the-old-secret-0123456789", t.username()));
    }

    @Test
    void withoutTurnOnlyStunOrNothing() {
        assertThat(new IceServerIssuer(TurnSettings.none(), CLOCK).issue("x").iceServers()).isEmpty();
        IceServers stunOnly = new IceServerIssuer(TurnSettings.builder().stun("stun:s.example:3478").build(), CLOCK).issue("x");
        assertThat(stunOnly.iceServers()).containsExactly(new IceServer(List.of("stun:s.example:3478"), null, null));
        assertThat(stunOnly.turnServers()).isEmpty();
    }

    @Test
    void toStringNeverShowsTheCredential() {
        IceServer t = new IceServerIssuer(TurnSettings.builder().turn("turn:h.example").secret(SECRET).build(), CLOCK).issue("x").iceServers().getFirst();
        assertThat(t.toString()).doesNotContain(t.credential()).contains("<hidden>");
    }
    @Test
    void oneSubjectPerPrincipalWhoeverAsks() {
        java.util.UUID owner = java.util.UUID.fromString("00000000-0000-0000-0000-000000000042");
        java.util.UUID session = java.util.UUID.fromString("00000000-0000-0000-0000-000000000007");
        // Every device of a homeowner shares the subject; a visitor's is its session.
        assertThat(IceServerIssuer.subject(new dev.qring.domain.HomeownerPrincipal(owner, "tok-a")))
                .isEqualTo(IceServerIssuer.subject(new dev.qring.domain.HomeownerPrincipal(owner, "tok-b")))
                .isEqualTo("homeowner:" + owner);
        assertThat(IceServerIssuer.subject(new dev.qring.domain.VisitorPrincipal(session, java.util.UUID.randomUUID(), owner)))
                .isEqualTo("session:" + session);
        IceServerIssuer issuer = new IceServerIssuer(TurnSettings.builder().turn("turn:h.example").secret(SECRET).build(), CLOCK);
        assertThat(issuer.issueFor(new dev.qring.domain.HomeownerPrincipal(owner, "tok-a")))
                .isEqualTo(issuer.issue("homeowner:" + owner));
    }
}
