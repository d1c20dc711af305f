package dev.qring.domain;

import dev.qring.domain.db.DatabaseSettings;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the domain needs to start.
 *
 * @param publicUrl        base URL the QR codes point at ({@code QRING_PUBLIC_URL}), without trailing slash
 * @param ringTimeout      ringing → missed after this ({@code QRING_RING_TIMEOUT}, default 60 s)
 * @param visitorTokenTtl  lifetime of a visitor token (default 6 h)
 * @param chatSaveTimeout  a chat send not durably stored within this is answered {@code not_saved} (default 2 s)
 * @param clock            time source (tests may move it)
 * @param limits           rate limits and token lifetimes
 */
public record DomainSettings(DatabaseSettings database, String publicUrl, Duration ringTimeout, Duration visitorTokenTtl,
                             Duration chatSaveTimeout, Clock clock, Limits limits) {

    public DomainSettings {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(publicUrl, "publicUrl");
        while (publicUrl.endsWith("/")) publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
        if (ringTimeout == null) ringTimeout = Duration.ofSeconds(60);
        if (visitorTokenTtl == null) visitorTokenTtl = Duration.ofHours(6);
        if (chatSaveTimeout == null) chatSaveTimeout = Duration.ofSeconds(2);
        if (clock == null) clock = Clock.systemUTC();
        if (limits == null) limits = Limits.DEFAULTS;
        if (ringTimeout.isNegative() || ringTimeout.isZero()) throw new IllegalArgumentException("ringTimeout must be positive");
        if (chatSaveTimeout.isNegative() || chatSaveTimeout.isZero()) throw new IllegalArgumentException("chatSaveTimeout must be positive");
    }

    public DomainSettings(DatabaseSettings database, String publicUrl, Duration ringTimeout, Duration visitorTokenTtl,
                          Duration chatSaveTimeout, Clock clock) {
        this(database, publicUrl, ringTimeout, visitorTokenTtl, chatSaveTimeout, clock, Limits.DEFAULTS);
    }

    /** Defaults for everything but the database and the public URL. */
    public static DomainSettings defaults(DatabaseSettings database, String publicUrl) {
        return new DomainSettings(database, publicUrl, null, null, null, null, Limits.DEFAULTS);
    }

    public DomainSettings withLimits(Limits l) {
        return new DomainSettings(database, publicUrl, ringTimeout, visitorTokenTtl, chatSaveTimeout, clock, l);
    }

    public DomainSettings withClock(Clock c) {
        return new DomainSettings(database, publicUrl, ringTimeout, visitorTokenTtl, chatSaveTimeout, c, limits);
    }

    /**
     * Rate limits (token buckets: {@code n} per {@code window}, counted per JVM — with several instances behind a
     * load balancer each instance counts on its own) and the homeowner token lifetime.
     */
    public record Limits(int loginAttempts, Duration loginWindow,
                         int ringsPerDoor, Duration ringsPerDoorWindow,
                         int ringsPerAddress, Duration ringsPerAddressWindow,
                         Duration homeownerTokenTtl) {
        public static final Limits DEFAULTS = new Limits(
                10, Duration.ofMinutes(5),
                10, Duration.ofMinutes(1),
                20, Duration.ofMinutes(10),
                Duration.ofDays(30));
    }
}
