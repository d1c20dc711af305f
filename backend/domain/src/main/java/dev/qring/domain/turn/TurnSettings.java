package dev.qring.domain.turn;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * STUN/TURN configuration, read once at startup from the environment (see product.md "Configuration").
 *
 * <ul>
 *   <li>{@code QRING_STUN_URLS} — STUN servers, e.g. {@code stun:turn.example.org:3478}.</li>
 *   <li>{@code QRING_TURN_URLS} — the primary region's TURN URLs; {@code QRING_TURN_STANDBY_URLS} — a standby region
 *       (same shared secret), offered after the primary.</li>
 *   <li>{@code QRING_TURN_SECRET} — coturn's {@code static-auth-secret}; required (at least 16 characters) when any TURN
 *       URL is set. {@code QRING_TURN_SECRET_PREVIOUS} — the secret being rotated out: only needed so the operator can
 *       keep both in coturn during a rotation; the server never signs with it.</li>
 *   <li>{@code QRING_TURN_TTL} — credential lifetime, 60 s .. 24 h, default 1 h ({@code 30s}, {@code 5m}, {@code 1h},
 *       {@code 1d} or ISO-8601 {@code PT30S}).</li>
 * </ul>
 * Nothing set is valid: no ICE servers at all (browsers still connect on the same network, as in the embedded default).
 * Every problem throws IllegalArgumentException whose message starts with the variable's name.
 * {@link #toString()} never prints the secrets.
 */
public final class TurnSettings {
    public static final String STUN_URLS = "QRING_STUN_URLS";
    public static final String TURN_URLS = "QRING_TURN_URLS";
    public static final String TURN_STANDBY_URLS = "QRING_TURN_STANDBY_URLS";
    public static final String TURN_SECRET = "QRING_TURN_SECRET";
    public static final String TURN_SECRET_PREVIOUS = "QRING_TURN_SECRET_PREVIOUS";
    public static final String TURN_TTL = "QRING_TURN_TTL";

    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MIN_TTL = Duration.ofSeconds(60);
    public static final Duration MAX_TTL = Duration.ofHours(24);
    /** Short secrets can be brute-forced offline from one observed username/credential pair. */
    public static final int MIN_SECRET_LENGTH = 16;

    private final List<TurnUrl> stunUrls;
    private final List<TurnUrl> turnUrls;
    private final List<TurnUrl> standbyTurnUrls;
    private final String secret;
    private final String previousSecret;
    private final Duration ttl;

    /** Validating constructor; prefer {@link #fromEnvironment(Map)} or {@link #builder()}. */
    public TurnSettings(List<TurnUrl> stunUrls, List<TurnUrl> turnUrls, List<TurnUrl> standbyTurnUrls,
                        String secret, String previousSecret, Duration ttl) {
        this.stunUrls = List.copyOf(stunUrls);
        this.turnUrls = List.copyOf(turnUrls);
        this.standbyTurnUrls = List.copyOf(standbyTurnUrls);
        this.secret = blankToNull(secret);
        this.previousSecret = blankToNull(previousSecret);
        this.ttl = ttl == null ? DEFAULT_TTL : ttl;
        validate();
    }

    /** No STUN, no TURN: what the embedded default runs with. */
    public static TurnSettings none() {
        return new TurnSettings(List.of(), List.of(), List.of(), null, null, null);
    }

    /** Reads the QRING_* variables above from {@code env} (usually {@code System.getenv()}); blank counts as unset. */
    public static TurnSettings fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String rawTtl = blankToNull(env.get(TURN_TTL));
        return new TurnSettings(
                parseList(STUN_URLS, env.get(STUN_URLS)),
                parseList(TURN_URLS, env.get(TURN_URLS)),
                parseList(TURN_STANDBY_URLS, env.get(TURN_STANDBY_URLS)),
                env.get(TURN_SECRET),
                env.get(TURN_SECRET_PREVIOUS),
                rawTtl == null ? null : parseDuration(TURN_TTL, rawTtl));
    }

    private void validate() {
        for (TurnUrl u : stunUrls) {
            if (!u.isStun()) throw new IllegalArgumentException(STUN_URLS + ": '" + u + "' is a TURN URL; put it in " + TURN_URLS);
        }
        for (TurnUrl u : turnUrls) {
            if (u.isStun()) throw new IllegalArgumentException(TURN_URLS + ": '" + u + "' is a STUN URL; put it in " + STUN_URLS);
        }
        for (TurnUrl u : standbyTurnUrls) {
            if (u.isStun()) throw new IllegalArgumentException(TURN_STANDBY_URLS + ": '" + u + "' is a STUN URL; put it in " + STUN_URLS);
        }
        if (!standbyTurnUrls.isEmpty() && turnUrls.isEmpty()) {
            throw new IllegalArgumentException(TURN_STANDBY_URLS + ": set, but " + TURN_URLS
                    + " (the primary region) is not; the standby region is only offered after a primary one");
        }
        if (turnEnabled()) {
            if (secret == null) {
                throw new IllegalArgumentException(TURN_SECRET + ": required when " + TURN_URLS
                        + " is set (the shared secret in coturn's static-auth-secret)");
            }
        }
        if (secret != null && secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(TURN_SECRET + ": too short (" + secret.length() + " characters); use at least "
                    + MIN_SECRET_LENGTH + " random characters, e.g. `openssl rand -hex 32`");
        }
        if (previousSecret != null) {
            if (secret == null) {
                throw new IllegalArgumentException(TURN_SECRET_PREVIOUS + ": set, but " + TURN_SECRET
                        + " is not; during a rotation the new secret goes in " + TURN_SECRET);
            }
            if (previousSecret.equals(secret)) {
                throw new IllegalArgumentException(TURN_SECRET_PREVIOUS + ": equals " + TURN_SECRET
                        + "; it must hold the old secret being rotated out (or be unset)");
            }
        }
        if (ttl.compareTo(MIN_TTL) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException(TURN_TTL + ": " + human(ttl) + " is outside the allowed range "
                    + human(MIN_TTL) + " .. " + human(MAX_TTL));
        }
        if (ttl.getNano() != 0) {
            throw new IllegalArgumentException(TURN_TTL + ": must be whole seconds (TURN REST usernames carry a unix time in seconds)");
        }
    }

    /** True when TURN URLs are configured (then a secret is guaranteed to be present). */
    public boolean turnEnabled() { return !turnUrls.isEmpty(); }

    public List<TurnUrl> stunUrls() { return stunUrls; }

    /** Primary-region TURN URLs in configuration order (the issuer sorts them UDP, TCP, TLS). */
    public List<TurnUrl> turnUrls() { return turnUrls; }

    public List<TurnUrl> standbyTurnUrls() { return standbyTurnUrls; }

    /** The current shared secret (null when TURN is off). Never log it. */
    public String secret() { return secret; }

    /** The secret being rotated out, or null. Never log it. */
    public String previousSecret() { return previousSecret; }

    public Duration ttl() { return ttl; }

    public static Builder builder() { return new Builder(); }

    @Override
    public String toString() {
        return "TurnSettings{stun=" + stunUrls + ", turn=" + turnUrls + ", standby=" + standbyTurnUrls
                + ", secret=" + (secret == null ? "unset" : "set") + ", previousSecret=" + (previousSecret == null ? "unset" : "set")
                + ", ttl=" + human(ttl) + "}";
    }

    // ---- parsing helpers -------------------------------------------------------------------------------------

    /** Comma-separated list; blanks between commas are skipped; duplicates are kept once, first position wins. */
    static List<TurnUrl> parseList(String variable, String raw) {
        if (blankToNull(raw) == null) return List.of();
        LinkedHashSet<TurnUrl> urls = new LinkedHashSet<>();
        for (String item : raw.split(",")) {
            if (item.isBlank()) continue;
            urls.add(TurnUrl.parse(variable, item));
        }
        return new ArrayList<>(urls);
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)");

    /** {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT30S}, {@code P1D}). */
    static Duration parseDuration(String variable, String raw) {
        String v = raw.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        if (v.startsWith("p")) {
            try {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException(variable + ": '" + raw.strip() + "' is not a duration (use e.g. 30s, 5m, 1h, 1d or ISO-8601 PT30S)");
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0) return (s / 3600) + "h";
        if (s % 60 == 0) return (s / 60) + "m";
        return s + "s";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Programmatic construction (tests, embedded setups); {@link #build()} applies the same validation. */
    public static final class Builder {
        private final List<TurnUrl> stun = new ArrayList<>();
        private final List<TurnUrl> turn = new ArrayList<>();
        private final List<TurnUrl> standby = new ArrayList<>();
        private String secret;
        private String previousSecret;
        private Duration ttl;

        public Builder stun(String... urls) { for (String u : urls) stun.add(TurnUrl.parse(STUN_URLS, u)); return this; }

        public Builder turn(String... urls) { for (String u : urls) turn.add(TurnUrl.parse(TURN_URLS, u)); return this; }

        public Builder standby(String... urls) { for (String u : urls) standby.add(TurnUrl.parse(TURN_STANDBY_URLS, u)); return this; }

        public Builder secret(String s) { secret = s; return this; }

        public Builder previousSecret(String s) { previousSecret = s; return this; }

        public Builder ttl(Duration d) { ttl = d; return this; }

        public TurnSettings build() { return new TurnSettings(stun, turn, standby, secret, previousSecret, ttl); }
    }
}
