package dev.qring.domain.turn;

import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.Principal;
import dev.qring.domain.VisitorPrincipal;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Issues ICE server lists with short-lived TURN credentials ("TURN REST API", draft-uberti-behave-turn-rest; what
 * coturn's {@code use-auth-secret} + {@code static-auth-secret} verifies).
 *
 * <p>Credentials: {@code username = "<unix expiry seconds>:<opaque id>"},
 * {@code credential = base64(HMAC-SHA1(QRING_TURN_SECRET, username))}. coturn recomputes the HMAC with each secret it
 * knows and refuses the username once the expiry has passed (401).
 *
 * <p>The opaque id is {@code base64url(HMAC-SHA256(secret, "qring-turn-id\0" + subject + "\0" + expiry))[0..16)}:
 * the subject (a homeowner id or a visitor session id, whatever the caller passes) never appears in clear — TURN
 * usernames end up in coturn's logs and travel in every TURN request — and two issues are unlinkable without the
 * secret, yet an operator holding the secret can recompute the id for a known subject and expiry to find that
 * subject's allocations in coturn's log. The id has no ':' (coturn splits the username at the first ':').
 *
 * <p>Always signs with the current secret ({@link TurnSettings#secret()}), never with
 * {@link TurnSettings#previousSecret()}: during a rotation coturn holds both secrets and accepts either, so the
 * credentials already handed out keep working until they expire.
 *
 * <p>Thread-safe and cheap (two HMACs per call); no I/O.
 */
public final class IceServerIssuer {
    /** Clients are told to refresh after this share of the TTL (see {@link IceServers#refreshAt()}). */
    static final double REFRESH_FRACTION = 0.8;

    private final TurnSettings settings;
    private final Clock clock;
    private final List<String> stunUrls;
    private final List<String> primaryUrls;
    private final List<String> standbyUrls;

    public IceServerIssuer(TurnSettings settings, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stunUrls = settings.stunUrls().stream().map(TurnUrl::toString).toList();
        this.primaryUrls = ordered(settings.turnUrls());
        this.standbyUrls = ordered(settings.standbyTurnUrls());
    }

    /** UDP, then TCP, then TLS; configuration order kept within each (a stable sort). */
    private static List<String> ordered(List<TurnUrl> urls) {
        List<TurnUrl> copy = new ArrayList<>(urls);
        copy.sort(Comparator.comparing(TurnUrl::protocol));
        return copy.stream().map(TurnUrl::toString).toList();
    }

    public TurnSettings settings() { return settings; }

    /**
     * The subject of {@code who}'s TURN usernames — the one definition used by {@code GET /api/v1/ice-servers} and
     * the {@code call.start} / {@code call.accept} acks alike, so an operator recomputing an opaque id needs to know
     * only this: {@code "homeowner:<homeowner id>"} for a homeowner (any of its devices), {@code "session:<session
     * id>"} for a visitor.
     */
    public static String subject(Principal who) {
        return switch (Objects.requireNonNull(who, "who")) {
            case HomeownerPrincipal h -> "homeowner:" + h.homeownerId();
            case VisitorPrincipal v -> "session:" + v.sessionId();
        };
    }

    /** {@link #issue(String)} for {@link #subject(Principal) who's subject}. */
    public IceServers issueFor(Principal who) {
        return issue(subject(who));
    }

    /**
     * A fresh list for {@code subject} (any stable identifier of who asks; callers serving a principal use
     * {@link #issueFor}; it is hashed, never sent). STUN entry first (no credentials), then one entry for the
     * primary region and one for the standby region, each with its URLs ordered UDP, TCP, TLS and sharing one
     * credential. Without TURN configured the list holds STUN only (or nothing).
     */
    public IceServers issue(String subject) {
        Objects.requireNonNull(subject, "subject");
        Instant now = clock.instant();
        long ttlSeconds = settings.ttl().toSeconds();
        long expiry = now.getEpochSecond() + ttlSeconds;
        List<IceServer> servers = new ArrayList<>(3);
        if (!stunUrls.isEmpty()) servers.add(new IceServer(stunUrls, null, null));
        if (settings.turnEnabled()) {
            String username = expiry + ":" + opaqueId(settings.secret(), subject, expiry);
            String credential = credential(settings.secret(), username);
            servers.add(new IceServer(primaryUrls, username, credential));
            if (!standbyUrls.isEmpty()) servers.add(new IceServer(standbyUrls, username, credential));
        }
        Instant expiresAt = Instant.ofEpochSecond(expiry);
        Instant refreshAt = Instant.ofEpochSecond(now.getEpochSecond() + (long) Math.floor(ttlSeconds * REFRESH_FRACTION));
        return new IceServers(servers, ttlSeconds, expiresAt, refreshAt);
    }

    /** The TURN REST password coturn expects for {@code username}: base64(HMAC-SHA1(secret, username)). */
    public static String credential(String secret, String username) {
        return Base64.getEncoder().encodeToString(hmac("HmacSHA1", secret, username));
    }

    static String opaqueId(String secret, String subject, long expiry) {
        byte[] mac = hmac("HmacSHA256", secret, "qring-turn-id\0" + subject + "\0" + expiry);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac).substring(0, 16);
    }

    private static byte[] hmac(String algorithm, String secret, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e); // every JDK ships both
        }
    }
}
