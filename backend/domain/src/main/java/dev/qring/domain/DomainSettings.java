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
     *
     * <p>Password hashing (Argon2) is the expensive part of login and signup, so besides the per-(email, address)
     * login limit there are limits per client address across all emails: {@code loginAttemptsPerAddress} login
     * attempts per {@code loginPerAddressWindow} and {@code signupsPerAddress} signups per {@code signupsPerAddressWindow}.
     * Both are checked before any hashing. "Address" is the rate-limit key the HTTP layer derives from the client
     * address (an IPv6 client counts by its /64).
     */
    public record Limits(int loginAttempts, Duration loginWindow,
                         int ringsPerDoor, Duration ringsPerDoorWindow,
                         int ringsPerAddress, Duration ringsPerAddressWindow,
                         Duration homeownerTokenTtl,
                         int loginAttemptsPerAddress, Duration loginPerAddressWindow,
                         int signupsPerAddress, Duration signupsPerAddressWindow) {
        /** 30 login attempts per 5 minutes and 10 signups per hour from one address. */
        public static final int DEFAULT_LOGINS_PER_ADDRESS = 30;
        public static final Duration DEFAULT_LOGINS_PER_ADDRESS_WINDOW = Duration.ofMinutes(5);
        public static final int DEFAULT_SIGNUPS_PER_ADDRESS = 10;
        public static final Duration DEFAULT_SIGNUPS_PER_ADDRESS_WINDOW = Duration.ofHours(1);

        public static final Limits DEFAULTS = new Limits(
                10, Duration.ofMinutes(5),
                10, Duration.ofMinutes(1),
                20, Duration.ofMinutes(10),
                Duration.ofDays(30));

        /** The per-address login and signup limits at their defaults. */
        public Limits(int loginAttempts, Duration loginWindow, int ringsPerDoor, Duration ringsPerDoorWindow,
                      int ringsPerAddress, Duration ringsPerAddressWindow, Duration homeownerTokenTtl) {
            this(loginAttempts, loginWindow, ringsPerDoor, ringsPerDoorWindow, ringsPerAddress, ringsPerAddressWindow,
                    homeownerTokenTtl, DEFAULT_LOGINS_PER_ADDRESS, DEFAULT_LOGINS_PER_ADDRESS_WINDOW,
                    DEFAULT_SIGNUPS_PER_ADDRESS, DEFAULT_SIGNUPS_PER_ADDRESS_WINDOW);
        }

        /** These limits with other per-address login and signup limits. */
        public Limits withAddressLimits(int loginAttemptsPerAddress, Duration loginPerAddressWindow,
                                        int signupsPerAddress, Duration signupsPerAddressWindow) {
            return new Limits(loginAttempts, loginWindow, ringsPerDoor, ringsPerDoorWindow, ringsPerAddress,
                    ringsPerAddressWindow, homeownerTokenTtl, loginAttemptsPerAddress, loginPerAddressWindow,
                    signupsPerAddress, signupsPerAddressWindow);
        }
    }
}
