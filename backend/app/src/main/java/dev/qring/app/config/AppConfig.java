package dev.qring.app.config;

import dev.qring.app.http.ClientAddress;
import dev.qring.domain.turn.TurnSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's configuration, read once at startup from environment variables (product.md "Configuration").
 * Every variable is optional; absent means the embedded default. A present but unusable value throws
 * {@link ConfigException} naming the variable, so startup stops with a clear message instead of running half-configured.
 *
 * <p>TURN/STUN variables ({@code QRING_TURN_URLS}, {@code QRING_TURN_STANDBY_URLS}, {@code QRING_TURN_SECRET},
 * {@code QRING_TURN_SECRET_PREVIOUS}, {@code QRING_TURN_TTL}, {@code QRING_STUN_URLS}) are parsed and validated by
 * the domain's {@link TurnSettings#fromEnvironment}, whose messages name the variable too.
 *
 * @param httpPort            QRING_HTTP_PORT (8080)
 * @param bindAddress         QRING_BIND_ADDRESS (0.0.0.0)
 * @param publicUrl           QRING_PUBLIC_URL (http://localhost:PORT), without trailing slash; QR codes encode PUBLIC_URL/d/slug
 * @param databaseUrl         QRING_DATABASE_URL (null: embedded H2 file database under dataDir)
 * @param dataDir             QRING_DATA_DIR (./data)
 * @param redisUrl            QRING_REDIS_URL (null: single instance, in-process fan-out)
 * @param turn                QRING_TURN_* and QRING_STUN_URLS (none: no ICE servers are offered)
 * @param ringTimeout         QRING_RING_TIMEOUT (60s): a ringing visitor session becomes missed after this
 * @param callRingTimeout     QRING_CALL_RING_TIMEOUT (30s): a ringing call becomes missed after this
 * @param chatSaveTimeout     QRING_CHAT_SAVE_TIMEOUT (2s): bound for a durable chat store before the ack is not_saved
 * @param logFormat           QRING_LOG_FORMAT: text (default) or json
 * @param maxApiBodyBytes     QRING_MAX_BODY_BYTES (65536): largest accepted API request body
 * @param visitorTokenTtl     QRING_VISITOR_TOKEN_TTL (6h): lifetime of a visitor token
 * @param homeownerTokenTtl   QRING_HOMEOWNER_TOKEN_TTL (30d): lifetime of a homeowner sign-in token
 * @param trustedProxies      QRING_TRUSTED_PROXIES (none): reverse proxies whose X-Forwarded-For is believed
 */
public record AppConfig(int httpPort, String bindAddress, String publicUrl, String databaseUrl, Path dataDir,
                        String redisUrl, TurnSettings turn, Duration ringTimeout, Duration callRingTimeout,
                        Duration chatSaveTimeout, String logFormat, int maxApiBodyBytes,
                        Duration visitorTokenTtl, Duration homeownerTokenTtl, ClientAddress trustedProxies,
                        Map<String, String> environment) {

    private static final Pattern VARIABLE = Pattern.compile("QRING_[A-Z_]+");

    public static AppConfig fromEnvironment(Map<String, String> env) {
        int port = integer(env, "QRING_HTTP_PORT", 8080, 0, 65535);
        String bind = text(env, "QRING_BIND_ADDRESS", "0.0.0.0");
        String publicUrl = url(env, "QRING_PUBLIC_URL", "http://localhost:" + (port == 0 ? 8080 : port), List.of("http", "https"));
        String dbUrl = text(env, "QRING_DATABASE_URL", null);
        if (dbUrl != null && !(dbUrl.startsWith("jdbc:") || dbUrl.startsWith("postgres://") || dbUrl.startsWith("postgresql://"))) {
            throw new ConfigException("QRING_DATABASE_URL", "expected a jdbc:postgresql://... or postgresql://... URL");
        }
        Path dataDir;
        try {
            dataDir = Path.of(text(env, "QRING_DATA_DIR", "./data"));
        } catch (RuntimeException e) {
            throw new ConfigException("QRING_DATA_DIR", "not a valid path");
        }
        String redis = text(env, "QRING_REDIS_URL", null);
        if (redis != null) url(env, "QRING_REDIS_URL", null, List.of("redis", "rediss"));
        TurnSettings turn;
        try {
            turn = TurnSettings.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            Matcher m = VARIABLE.matcher(msg);
            String var = m.find() ? m.group() : "QRING_TURN_URLS";
            throw new ConfigException(var, msg.startsWith(var + ": ") ? msg.substring(var.length() + 2) : msg);
        }
        Duration ring = duration(env, "QRING_RING_TIMEOUT", Duration.ofSeconds(60));
        Duration callRing = duration(env, "QRING_CALL_RING_TIMEOUT", Duration.ofSeconds(30));
        Duration chatSave = duration(env, "QRING_CHAT_SAVE_TIMEOUT", Duration.ofSeconds(2));
        String logFormat = text(env, "QRING_LOG_FORMAT", "text").toLowerCase(Locale.ROOT);
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new ConfigException("QRING_LOG_FORMAT", "expected 'text' or 'json', got '" + logFormat + "'");
        }
        int maxBody = integer(env, "QRING_MAX_BODY_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024);
        Duration visitorTtl = duration(env, "QRING_VISITOR_TOKEN_TTL", Duration.ofHours(6));
        Duration homeownerTtl = duration(env, "QRING_HOMEOWNER_TOKEN_TTL", Duration.ofDays(30));
        return new AppConfig(port, bind, publicUrl, dbUrl, dataDir, redis, turn, ring, callRing, chatSave, logFormat,
                maxBody, visitorTtl, homeownerTtl, proxies(env), Map.copyOf(env));
    }

    static ClientAddress proxies(Map<String, String> env) {
        List<String> entries = list(env, "QRING_TRUSTED_PROXIES");
        if (entries.isEmpty()) return ClientAddress.PEER_ONLY;
        try {
            return ClientAddress.trusting(entries);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("QRING_TRUSTED_PROXIES", e.getMessage());
        }
    }

    /** Blank counts as absent: {@code FOO= ./qring run} should not be an error. */
    static String text(Map<String, String> env, String name, String def) {
        String v = env.get(name);
        return v == null || v.isBlank() ? def : v.strip();
    }

    static int integer(Map<String, String> env, String name, int def, int min, int max) {
        String v = text(env, name, null);
        if (v == null) return def;
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + n);
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "not a number: '" + v + "'");
        }
    }

    static String url(Map<String, String> env, String name, String def, List<String> schemes) {
        String v = text(env, name, null);
        if (v == null) return def;
        try {
            URI u = new URI(v);
            if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT)) || u.getHost() == null) {
                throw new ConfigException(name, "expected a " + String.join("/", schemes) + " URL with a host, got '" + v + "'");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(name, "not a valid URL: '" + v + "'");
        }
        while (v.endsWith("/")) v = v.substring(0, v.length() - 1);
        return v;
    }

    /** Comma-separated, blanks dropped: {@code "a, b,,c"} is {@code [a, b, c]}. */
    public static List<String> list(Map<String, String> env, String name) {
        String v = text(env, name, null);
        if (v == null) return List.of();
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) if (!part.isBlank()) out.add(part.strip());
        return List.copyOf(out);
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 250ms}, {@code 2d}, or ISO-8601 ({@code PT30S}). Must be positive. */
    public static Duration parseDuration(String v) {
        String s = v.strip().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = SIMPLE_DURATION.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(v.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a duration: '" + v + "' (use e.g. 30s, 5m, 1h or PT30S)");
            }
        }
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("must be positive: '" + v + "'");
        return d;
    }

    static Duration duration(Map<String, String> env, String name, Duration def) {
        String v = text(env, name, null);
        if (v == null) return def;
        try {
            return parseDuration(v);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new ConfigException(name, e.getMessage());
        }
    }

    /** The environment may hold secrets (TURN secret, database password): never print it. */
    @Override
    public String toString() { return "AppConfig[" + describe() + "]"; }

    /** True when no external database is configured (embedded H2 under {@link #dataDir}). */
    public boolean embeddedDatabase() { return databaseUrl == null; }

    /** Safe to log: no secrets (TURN secrets and database passwords stay out). */
    public String describe() {
        return "port=" + httpPort + " publicUrl=" + publicUrl + " database=" + (databaseUrl == null ? "embedded(" + dataDir + ")" : redactUrl(databaseUrl))
                + " redis=" + (redisUrl == null ? "none(in-process)" : redactUrl(redisUrl))
                + " turn=" + (turn.turnEnabled() ? turn.turnUrls().size() + " primary/" + turn.standbyTurnUrls().size() + " standby URLs" : "off")
                + " stun=" + turn.stunUrls().size() + " ringTimeout=" + ringTimeout + " callRingTimeout=" + callRingTimeout;
    }

    /** Drops user-info and query (where passwords live) from a URL for logs. */
    public static String redactUrl(String url) {
        String s = url.replaceAll("//[^/@]*@", "//***@");
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q) + "?***";
    }
}
