package dev.qring.domain.turn;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TurnSettingsTest {
    private static final String SECRET = "0123456789abcdef0123";

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private static void assertRejected(Map<String, String> env, String variable, String... fragments) {
        assertThatThrownBy(() -> TurnSettings.fromEnvironment(env))
                .isInstanceOf(IllegalArgumentException.class)
                .message().startsWith(variable + ": ").contains(fragments);
    }

    @Test
    void nothingSetMeansNoIceServersAndStillStarts() {
        TurnSettings s = TurnSettings.fromEnvironment(Map.of());
        assertThat(s.turnEnabled()).isFalse();
        assertThat(s.stunUrls()).isEmpty();
        assertThat(s.ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(TurnSettings.fromEnvironment(env("QRING_TURN_URLS", "  ", "QRING_TURN_TTL", ""))).satisfies(t ->
                assertThat(t.turnEnabled()).isFalse());
    }

    @Test
    void readsEveryVariable() {
        TurnSettings s = TurnSettings.fromEnvironment(env(
                "QRING_STUN_URLS", "stun:turn.example.org:3478",
                "QRING_TURN_URLS", "turns:turn.example.org:5349?transport=tcp, turn:turn.example.org:3478?transport=udp",
                "QRING_TURN_STANDBY_URLS", "turn:turn-eu.example.org?transport=tcp",
                "QRING_TURN_SECRET", SECRET,
                "QRING_TURN_SECRET_PREVIOUS", "fedcba9876543210fedc",
                "QRING_TURN_TTL", "30m"));
        assertThat(s.turnEnabled()).isTrue();
        assertThat(s.turnUrls()).extracting(TurnUrl::toString)
                .containsExactly("turns:turn.example.org:5349?transport=tcp", "turn:turn.example.org:3478?transport=udp");
        assertThat(s.standbyTurnUrls()).extracting(TurnUrl::toString).containsExactly("turn:turn-eu.example.org?transport=tcp");
        assertThat(s.secret()).isEqualTo(SECRET);
        assertThat(s.previousSecret()).isEqualTo("fedcba9876543210fedc");
        assertThat(s.ttl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.toString()).doesNotContain(SECRET).doesNotContain("fedcba9876543210fedc").contains("secret=set");
    }

    @Test
    void durationsInEveryDocumentedForm() {
        assertThat(TurnSettings.parseDuration("X", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TurnSettings.parseDuration("X", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(TurnSettings.parseDuration("X", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(TurnSettings.parseDuration("X", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(TurnSettings.parseDuration("X", "PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(TurnSettings.parseDuration("X", "pt1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> TurnSettings.parseDuration("QRING_TURN_TTL", "1 hour"))
                .hasMessageStartingWith("QRING_TURN_TTL: '1 hour' is not a duration");
    }

    @Test
    void turnUrlsWithoutSecretFailNamingTheSecret() {
        assertRejected(env("QRING_TURN_URLS", "turn:turn.example.org:3478"), "QRING_TURN_SECRET", "required when QRING_TURN_URLS is set");
    }

    @Test
    void shortSecretIsRefused() {
        assertRejected(env("QRING_TURN_URLS", "turn:h.example:3478", "QRING_TURN_SECRET", "short"), "QRING_TURN_SECRET", "too short");
    }

    @Test
    void previousSecretRules() {
        assertRejected(env("QRING_TURN_SECRET_PREVIOUS", SECRET), "QRING_TURN_SECRET_PREVIOUS", "QRING_TURN_SECRET is not");
        assertRejected(env("QRING_TURN_URLS", "turn:h.example", "QRING_TURN_SECRET", SECRET, "QRING_TURN_SECRET_PREVIOUS", SECRET),
                "QRING_TURN_SECRET_PREVIOUS", "equals QRING_TURN_SECRET");
    }

    @Test
    void badUrlsNameTheirVariable() {
        assertRejected(env("QRING_TURN_URLS", "http://turn.example.org", "QRING_TURN_SECRET", SECRET), "QRING_TURN_URLS", "not a STUN/TURN URL");
        assertRejected(env("QRING_TURN_URLS", "turns:turn.example.org:5349?transport=udp", "QRING_TURN_SECRET", SECRET),
                "QRING_TURN_URLS", "turns: (TLS) cannot use transport=udp");
        assertRejected(env("QRING_TURN_URLS", "turn:turn.example.org?transport=sctp", "QRING_TURN_SECRET", SECRET),
                "QRING_TURN_URLS", "transport must be udp or tcp");
        assertRejected(env("QRING_TURN_URLS", "turn:turn.example.org:70000", "QRING_TURN_SECRET", SECRET), "QRING_TURN_URLS", "outside 1..65535");
        assertRejected(env("QRING_TURN_URLS", "turn:user:pw@turn.example.org", "QRING_TURN_SECRET", SECRET), "QRING_TURN_URLS", "not a STUN/TURN URL");
        assertRejected(env("QRING_TURN_URLS", "stun:turn.example.org", "QRING_TURN_SECRET", SECRET), "QRING_TURN_URLS", "is a STUN URL");
        assertRejected(env("QRING_STUN_URLS", "turn:turn.example.org"), "QRING_STUN_URLS", "is a TURN URL");
        assertRejected(env("QRING_STUN_URLS", "stun:h.example?transport=udp"), "QRING_STUN_URLS", "take no ?transport=");
        assertRejected(env("QRING_TURN_STANDBY_URLS", "turn:eu.example.org", "QRING_TURN_SECRET", SECRET),
                "QRING_TURN_STANDBY_URLS", "QRING_TURN_URLS (the primary region) is not");
        assertRejected(env("QRING_TURN_URLS", "turn:-bad-.example", "QRING_TURN_SECRET", SECRET), "QRING_TURN_URLS", "invalid host name");
        assertRejected(env("QRING_TURN_URLS", "turn:[1:2:3]:3478", "QRING_TURN_SECRET", SECRET), "QRING_TURN_URLS", "invalid IPv6 address");
    }

    @Test
    void ipv6AndDefaultPortsAreAccepted() {
        TurnSettings s = TurnSettings.fromEnvironment(env("QRING_TURN_URLS", "turn:[2001:db8::1]:3478?transport=udp,turns:turn.example.org",
                "QRING_TURN_SECRET", SECRET));
        assertThat(s.turnUrls()).extracting(TurnUrl::toString)
                .containsExactly("turn:[2001:db8::1]:3478?transport=udp", "turns:turn.example.org");
    }

    @Test
    void badTtlNamesTheVariableAndBounds() {
        assertRejected(env("QRING_TURN_TTL", "soon"), "QRING_TURN_TTL", "not a duration");
        assertRejected(env("QRING_TURN_TTL", "30s"), "QRING_TURN_TTL", "outside the allowed range 1m .. 24h");
        assertRejected(env("QRING_TURN_TTL", "2d"), "QRING_TURN_TTL", "outside the allowed range");
        assertRejected(env("QRING_TURN_TTL", "PT90.5S"), "QRING_TURN_TTL", "whole seconds");
        assertThat(TurnSettings.fromEnvironment(env("QRING_TURN_TTL", "60s")).ttl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(TurnSettings.fromEnvironment(env("QRING_TURN_TTL", "24h")).ttl()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void duplicatesAndBlankItemsAreDropped() {
        TurnSettings s = TurnSettings.fromEnvironment(env("QRING_STUN_URLS", "stun:a.example,, stun:a.example ,stun:b.example"));
        assertThat(s.stunUrls()).extracting(TurnUrl::toString).containsExactly("stun:a.example", "stun:b.example");
    }
}
