package dev.qring.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AppConfigTest {

    @Test
    void defaultsNeedNoVariables() {
        AppConfig c = AppConfig.fromEnvironment(Map.of());
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.publicUrl()).isEqualTo("http://localhost:8080");
        assertThat(c.databaseUrl()).isNull();
        assertThat(c.embeddedDatabase()).isTrue();
        assertThat(c.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.redisUrl()).isNull();
        assertThat(c.turn().turnEnabled()).isFalse();
        assertThat(c.turn().stunUrls()).isEmpty();
        assertThat(c.ringTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.callRingTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.chatSaveTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.logFormat()).isEqualTo("text");
        assertThat(c.maxApiBodyBytes()).isEqualTo(65536);
    }

    @Test
    void readsEveryVariable() {
        AppConfig c = AppConfig.fromEnvironment(Map.of(
                "QRING_HTTP_PORT", "9090",
                "QRING_PUBLIC_URL", "https://door.example.com/",
                "QRING_DATABASE_URL", "jdbc:postgresql://db:5432/qring?user=q&password=secret",
                "QRING_DATA_DIR", "/var/lib/qring",
                "QRING_REDIS_URL", "redis://:pw@redis:6379/0",
                "QRING_STUN_URLS", "stun:stun.example.com:3478, stun:stun2.example.com:3478,",
                "QRING_RING_TIMEOUT", "2m",
                "QRING_CALL_RING_TIMEOUT", "PT45S",
                "QRING_LOG_FORMAT", "JSON"));
        assertThat(c.httpPort()).isEqualTo(9090);
        assertThat(c.publicUrl()).isEqualTo("https://door.example.com");
        assertThat(c.databaseUrl()).startsWith("jdbc:postgresql://db:5432/qring");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/qring"));
        assertThat(c.redisUrl()).isEqualTo("redis://:pw@redis:6379/0");
        assertThat(c.turn().stunUrls()).hasSize(2);
        assertThat(c.ringTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.callRingTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.logFormat()).isEqualTo("json");
        // what gets logged never holds the secrets
        assertThat(c.toString()).doesNotContain("secret").doesNotContain("pw@");
        assertThat(c.describe()).doesNotContain("secret").doesNotContain("pw@");
    }

    @Test
    void publicUrlDefaultFollowsThePort() {
        assertThat(AppConfig.fromEnvironment(Map.of("QRING_HTTP_PORT", "9000")).publicUrl()).isEqualTo("http://localhost:9000");
    }

    @Test
    void blankMeansAbsent() {
        AppConfig c = AppConfig.fromEnvironment(Map.of("QRING_HTTP_PORT", " ", "QRING_DATABASE_URL", ""));
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.databaseUrl()).isNull();
    }

    @ParameterizedTest
    @CsvSource({"30s,30000", "5m,300000", "1h,3600000", "250ms,250", "PT30S,30000", "pt1m30s,90000", "2d,172800000", " 10s ,10000"})
    void parsesDurations(String text, long millis) {
        assertThat(AppConfig.parseDuration(text).toMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "QRING_HTTP_PORT|eighty",
            "QRING_HTTP_PORT|70000",
            "QRING_HTTP_PORT|-1",
            "QRING_PUBLIC_URL|localhost:8080",
            "QRING_PUBLIC_URL|ftp://example.com",
            "QRING_DATABASE_URL|mysql://db/qring",
            "QRING_REDIS_URL|http://redis:6379",
            "QRING_STUN_URLS|turn:example.com:3478",
            "QRING_TURN_SECRET|short",
            "QRING_TURN_TTL|forever",
            "QRING_RING_TIMEOUT|soon",
            "QRING_RING_TIMEOUT|0s",
            "QRING_RING_TIMEOUT|-5s",
            "QRING_CALL_RING_TIMEOUT|30 parsecs",
            "QRING_CHAT_SAVE_TIMEOUT|x",
            "QRING_LOG_FORMAT|xml",
            "QRING_MAX_BODY_BYTES|12",
            "QRING_TRUSTED_PROXIES|proxy.example.com",
            "QRING_VISITOR_TOKEN_TTL|never"})
    void invalidValueNamesTheVariable(String name, String value) {
        assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of(name, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(name + ":")
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(name));
    }

    @Test
    void turnUrlsWithoutSecretNamesTheSecret() {
        assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of("QRING_TURN_URLS", "turn:turn.example.com:3478?transport=udp")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("QRING_TURN_SECRET:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a,b", " a , b ", "a,,b,"})
    void listsAreCommaSeparated(String v) {
        assertThat(AppConfig.list(Map.of("X", v), "X")).isEqualTo(List.of("a", "b"));
    }

    @Test
    void redactsCredentialsInUrls() {
        assertThat(AppConfig.redactUrl("postgresql://user:pass@h:5432/db?sslmode=require&password=x"))
                .isEqualTo("postgresql://***@h:5432/db?***");
    }
}
