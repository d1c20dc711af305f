package dev.qring.domain;

import dev.qring.domain.account.AuthResult;
import dev.qring.domain.door.Door;
import dev.qring.domain.visitor.Created;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Base of the data-layer tests. Concrete classes are annotated
 * {@code @ParameterizedClass @EnumSource(Backend.class)}, so every test runs on the embedded H2 database and on a real
 * PostgreSQL. Each test gets a fresh, empty database.
 */
public abstract class DomainTestBase {
    @Parameter
    protected Backend backend;

    protected MutableClock clock;
    protected RecordingEvents events;
    protected QRingDomain domain;
    private final List<QRingDomain> started = new ArrayList<>();

    @BeforeEach
    void startDomain() {
        clock = new MutableClock();
        events = new RecordingEvents();
        domain = start(backend.freshDatabase(), s -> s);
    }

    @AfterEach
    void stopDomains() {
        for (QRingDomain d : started) d.close();
        started.clear();
    }

    /** Limits high enough not to interfere; rate-limit tests set strict ones themselves. */
    protected static final DomainSettings.Limits RELAXED = new DomainSettings.Limits(1000, Duration.ofMinutes(1),
            1000, Duration.ofMinutes(1), 1000, Duration.ofMinutes(1), Duration.ofDays(30));

    protected DomainSettings baseSettings(dev.qring.domain.db.DatabaseSettings db) {
        return new DomainSettings(db, "https://qring.test", Duration.ofSeconds(60), Duration.ofHours(6),
                Duration.ofSeconds(2), clock, RELAXED);
    }

    /** Starts a (further) domain on {@code db} with tweaked settings; closed after the test. */
    protected QRingDomain start(dev.qring.domain.db.DatabaseSettings db, UnaryOperator<DomainSettings> tweak) {
        QRingDomain d = QRingDomain.start(tweak.apply(baseSettings(db)), events);
        started.add(d);
        return d;
    }

    /** Restarts with other settings on the SAME database (closing the current domain first). */
    protected QRingDomain restart(UnaryOperator<DomainSettings> tweak) {
        dev.qring.domain.db.DatabaseSettings db = domain.settings().database();
        domain.close();
        started.remove(domain);
        domain = start(db, tweak);
        return domain;
    }

    // ---- helpers ----

    public static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("expected success, got " + DomainException.of(e), e);
        }
    }

    /** The DomainException a future failed with (fails the test if it succeeded). */
    public static DomainException failure(CompletableFuture<?> f) {
        try {
            Object v = f.get(30, TimeUnit.SECONDS);
            return fail("expected a failure, got " + v);
        } catch (java.util.concurrent.ExecutionException e) {
            return DomainException.of(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    public static void assertCode(CompletableFuture<?> f, ErrorCode code) {
        assertThat(failure(f).code()).isEqualTo(code);
    }

    private static int counter;

    protected static synchronized String uniqueEmail() { return "user" + (++counter) + "-" + UUID.randomUUID().toString().substring(0, 8) + "@Example.com"; }

    protected AuthResult signup() {
        return join(domain.accounts().signup(uniqueEmail(), "correct horse battery", "Alice"));
    }

    protected HomeownerPrincipal principal(AuthResult a) {
        return join(domain.accounts().authenticate(a.token())).orElseThrow();
    }

    protected HomeownerPrincipal newHomeowner() { return principal(signup()); }

    protected Door door(HomeownerPrincipal h) { return join(domain.doors().create(h, "Front door")); }

    protected Created ring(Door d) {
        return join(domain.sessions().create(d.qrSlug(), UUID.randomUUID().toString(), "Bob", "Parcel", "192.0.2." + (int) (Math.random() * 250)));
    }

    protected VisitorPrincipal visitor(Created c) {
        return join(domain.sessions().authenticateVisitor(c.visitorToken())).orElseThrow();
    }
}
