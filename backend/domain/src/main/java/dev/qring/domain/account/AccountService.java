package dev.qring.domain.account;

import dev.qring.domain.DomainException;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.TokenGrant;
import dev.qring.domain.db.Database;
import dev.qring.domain.support.Jdbc;
import dev.qring.domain.support.RateLimiter;
import dev.qring.domain.support.Text;
import dev.qring.domain.support.Tokens;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Homeowner accounts and bearer tokens.
 *
 * <p>Guarantees: emails are unique case-insensitively ({@code conflict}); passwords are stored as Argon2id hashes
 * (Spring Security's encoder on Bouncy Castle); tokens are {@code qh_} + 256 random bits, stored only as SHA-256,
 * expire after {@link DomainSettings.Limits#homeownerTokenTtl()} and stop working at once on logout. Every method
 * returns a future completed on a virtual thread; refusals complete it with a {@link DomainException}.
 *
 * <p>Rate limits ({@link DomainSettings.Limits}): login attempts per (email, client address) and per client address
 * across emails; signups per client address. They are checked before any password hashing or database work, and a
 * refusal ({@code rate_limited}) is returned as an already failed future, so one address cannot keep the Argon2
 * hashing busy by cycling emails.
 */
public final class AccountService {
    public static final String TOKEN_PREFIX = "qh_";
    private static final int MIN_PASSWORD = 10;
    private static final int MAX_PASSWORD = 1024;
    private static final int MAX_EMAIL = 254;

    private final Database db;
    private final Clock clock;
    private final DomainSettings.Limits limits;
    private final RateLimiter loginLimiter;
    private final RateLimiter loginAddressLimiter;
    private final RateLimiter signupAddressLimiter;
    /** Password hashes and checks done so far (tests check rate-limited calls do none). */
    private final java.util.concurrent.atomic.AtomicLong hashOperations = new java.util.concurrent.atomic.AtomicLong();
    private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    /** Argon2 uses 16 MiB and ~tens of ms of CPU per hash: bound how many run at once. */
    private final Semaphore hashing = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));
    /** Hashed once (on first need) so a login for an unknown email costs the same as a wrong password. */
    private volatile String dummyHash;

    public AccountService(Database db, DomainSettings settings) {
        this.db = db;
        this.clock = settings.clock();
        this.limits = settings.limits();
        this.loginLimiter = new RateLimiter(limits.loginAttempts(), limits.loginWindow(), clock);
        this.loginAddressLimiter = new RateLimiter(limits.loginAttemptsPerAddress(), limits.loginPerAddressWindow(), clock);
        this.signupAddressLimiter = new RateLimiter(limits.signupsPerAddress(), limits.signupsPerAddressWindow(), clock);
    }

    /**
     * Creates an account and signs it in, for in-process callers (tests, tools): no per-address limit. The HTTP API
     * uses {@link #signup(String, String, String, String)}.
     */
    public CompletableFuture<AuthResult> signup(String email, String password, String displayName) {
        return signup(email, password, displayName, null, false);
    }

    /**
     * Creates an account and signs it in. INVALID for bad input, RATE_LIMITED after too many signups from this
     * client address (checked before hashing), CONFLICT when the email is taken.
     */
    public CompletableFuture<AuthResult> signup(String email, String password, String displayName, String clientAddress) {
        return signup(email, password, displayName, clientAddress, true);
    }

    private CompletableFuture<AuthResult> signup(String email, String password, String displayName, String clientAddress,
                                                 boolean limited) {
        final String cleanEmail;
        final String name;
        try {
            cleanEmail = email(email);
            name = Text.required("displayName", displayName, 1, 100);
            password(password);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (limited && !signupAddressLimiter.tryAcquire(addressKey(clientAddress))) {
            return CompletableFuture.failedFuture(new DomainException(ErrorCode.RATE_LIMITED, "too many signups from this address; try again later"));
        }
        return db.supply(() -> {
            String hash = hash(password);
            return db.inTransaction(c -> {
                Instant now = Jdbc.now(clock);
                UUID id = UUID.randomUUID();
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO homeowner (id, email, email_normalized, display_name, password_hash, created_at) VALUES (?,?,?,?,?,?)")) {
                    ps.setObject(1, id);
                    ps.setString(2, cleanEmail);
                    ps.setString(3, cleanEmail.toLowerCase(Locale.ROOT));
                    ps.setString(4, name);
                    ps.setString(5, hash);
                    Jdbc.setInstant(ps, 6, now);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (Database.isUniqueViolation(e)) throw DomainException.conflict("an account with this email already exists");
                    throw e;
                }
                Homeowner h = new Homeowner(id, cleanEmail, name, now);
                return new AuthResult(issueToken(c, id, now), h);
            });
        });
    }

    /**
     * Checks the password and issues a new token. UNAUTHORIZED for a wrong email or password (same answer for both),
     * RATE_LIMITED after too many attempts for this email from this address, or from this address for any email
     * (both checked before any hashing or database work).
     */
    public CompletableFuture<AuthResult> login(String email, String password, String clientAddress) {
        if (email == null || password == null || email.isBlank() || password.length() > MAX_PASSWORD) {
            return CompletableFuture.failedFuture(new DomainException(ErrorCode.UNAUTHORIZED, "wrong email or password"));
        }
        String normalized = email.strip().toLowerCase(Locale.ROOT);
        // No account has a longer email (signup refuses it): answering at once leaks nothing, and keeps the
        // limiter's keys short.
        if (email.strip().length() > MAX_EMAIL) {
            return CompletableFuture.failedFuture(new DomainException(ErrorCode.UNAUTHORIZED, "wrong email or password"));
        }
        String address = addressKey(clientAddress);
        if (!loginLimiter.tryAcquire(normalized + "|" + address) || !loginAddressLimiter.tryAcquire(address)) {
            return CompletableFuture.failedFuture(new DomainException(ErrorCode.RATE_LIMITED, "too many login attempts; try again later"));
        }
        return db.supply(() -> {
            record Row(UUID id, String email, String name, String hash, Instant createdAt) { }
            Row row = db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, email, display_name, password_hash, created_at FROM homeowner WHERE email_normalized = ?")) {
                    ps.setString(1, normalized);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) return null;
                        return new Row(Jdbc.getUuid(rs, "id"), rs.getString("email"), rs.getString("display_name"),
                                rs.getString("password_hash"), Jdbc.getInstant(rs, "created_at"));
                    }
                }
            });
            boolean ok = matches(password, row == null ? dummyHash() : row.hash());
            if (row == null || !ok) throw new DomainException(ErrorCode.UNAUTHORIZED, "wrong email or password");
            return db.inTransaction(c -> new AuthResult(issueToken(c, row.id(), Jdbc.now(clock)),
                    new Homeowner(row.id(), row.email(), row.name(), row.createdAt())));
        });
    }

    /** Revokes this token (it stops working at once). Unknown or already revoked tokens are ignored. */
    public CompletableFuture<Void> logout(String token) {
        if (!Tokens.looksLike(token, TOKEN_PREFIX)) return CompletableFuture.completedFuture(null);
        String hash = Tokens.sha256Hex(token);
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE homeowner_token SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")) {
                Jdbc.setInstant(ps, 1, Jdbc.now(clock));
                ps.setString(2, hash);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Revokes the token this principal authenticated with. */
    public CompletableFuture<Void> logout(HomeownerPrincipal principal) {
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE homeowner_token SET revoked_at = ? WHERE id = ? AND homeowner_id = ? AND revoked_at IS NULL")) {
                Jdbc.setInstant(ps, 1, Jdbc.now(clock));
                ps.setObject(2, UUID.fromString(principal.tokenId()));
                ps.setObject(3, principal.homeownerId());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The principal for a valid (known, unexpired, unrevoked) {@code qh_} token; empty otherwise. */
    public CompletableFuture<Optional<HomeownerPrincipal>> authenticate(String token) {
        return authenticateWithExpiry(token).thenApply(g -> g.map(TokenGrant::principal));
    }

    /** Like {@link #authenticate}, plus when the token expires (long-lived connections end then). */
    public CompletableFuture<Optional<TokenGrant<HomeownerPrincipal>>> authenticateWithExpiry(String token) {
        if (!Tokens.looksLike(token, TOKEN_PREFIX)) return CompletableFuture.completedFuture(Optional.empty());
        String hash = Tokens.sha256Hex(token);
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, homeowner_id, expires_at FROM homeowner_token"
                    + " WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?")) {
                ps.setString(1, hash);
                Jdbc.setInstant(ps, 2, Jdbc.now(clock));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new TokenGrant<>(new HomeownerPrincipal(Jdbc.getUuid(rs, "homeowner_id"),
                            Jdbc.getUuid(rs, "id").toString()), Jdbc.getInstant(rs, "expires_at")));
                }
            }
        });
    }

    /** The signed-in homeowner's own record. */
    public CompletableFuture<Homeowner> me(HomeownerPrincipal principal) {
        return db.async(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, email, display_name, created_at FROM homeowner WHERE id = ?")) {
                ps.setObject(1, principal.homeownerId());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new DomainException(ErrorCode.UNAUTHORIZED, "account no longer exists");
                    return new Homeowner(Jdbc.getUuid(rs, "id"), rs.getString("email"), rs.getString("display_name"),
                            Jdbc.getInstant(rs, "created_at"));
                }
            }
        });
    }

    private String issueToken(Connection c, UUID homeownerId, Instant now) throws SQLException {
        String token = Tokens.random(TOKEN_PREFIX, 32);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO homeowner_token (id, token_hash, homeowner_id, created_at, expires_at) VALUES (?,?,?,?,?)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, Tokens.sha256Hex(token));
            ps.setObject(3, homeownerId);
            Jdbc.setInstant(ps, 4, now);
            Jdbc.setInstant(ps, 5, now.plus(limits.homeownerTokenTtl()));
            ps.executeUpdate();
        }
        return token;
    }

    /** Callers without an address share one key: limited too, never unlimited. */
    private static String addressKey(String clientAddress) {
        return clientAddress == null || clientAddress.isBlank() ? "?" : clientAddress;
    }

    /** Password hashes and checks done so far. */
    long hashOperations() { return hashOperations.get(); }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) dummyHash = h = hash("qring-dummy-password");
        return h;
    }

    private String hash(String password) {
        hashOperations.incrementAndGet();
        hashing.acquireUninterruptibly();
        try {
            return encoder.encode(password);
        } finally {
            hashing.release();
        }
    }

    private boolean matches(String password, String hash) {
        hashOperations.incrementAndGet();
        hashing.acquireUninterruptibly();
        try {
            return encoder.matches(password, hash);
        } finally {
            hashing.release();
        }
    }

    private static String email(String email) {
        if (email == null) throw DomainException.invalid("email is required");
        String e = email.strip();
        int at = e.indexOf('@');
        if (e.length() > MAX_EMAIL || at < 1 || at != e.lastIndexOf('@') || at == e.length() - 1 || !e.substring(at).contains(".")
                || e.chars().anyMatch(ch -> ch <= 0x20 || ch == 0x7f)) {
            throw DomainException.invalid("email is not a valid address");
        }
        return e;
    }

    private static void password(String password) {
        if (password == null) throw DomainException.invalid("password is required");
        if (password.codePointCount(0, password.length()) < MIN_PASSWORD) {
            throw DomainException.invalid("password must have at least " + MIN_PASSWORD + " characters");
        }
        if (password.length() > MAX_PASSWORD) throw DomainException.invalid("password must have at most " + MAX_PASSWORD + " characters");
    }
}
