package dev.qring.domain.account;

import dev.qring.domain.Backend;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.DomainTestBase;
import dev.qring.domain.ErrorCode;
import dev.qring.domain.HomeownerPrincipal;
import dev.qring.domain.QRingDomain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

@ParameterizedClass(name = "{0}")
@EnumSource(Backend.class)
class AccountServiceTest extends DomainTestBase {

    @Test
    void signupReturnsATokenThatAuthenticatesAndMeShowsTheAccount() {
        AuthResult a = join(domain.accounts().signup("  Alice@Example.COM ", "correct horse battery", " Alice "));
        assertThat(a.token()).startsWith("qh_").hasSizeGreaterThanOrEqualTo(3 + 43);
        assertThat(a.homeowner().email()).isEqualTo("Alice@Example.COM");
        assertThat(a.homeowner().displayName()).isEqualTo("Alice");
        HomeownerPrincipal p = principal(a);
        assertThat(p.homeownerId()).isEqualTo(a.homeowner().id());
        assertThat(p.role()).isEqualTo("homeowner");
        assertThat(join(domain.accounts().me(p))).isEqualTo(a.homeowner());
    }

    @Test
    void emailIsUniqueCaseInsensitively() {
        join(domain.accounts().signup("bob@example.com", "correct horse battery", "Bob"));
        assertCode(domain.accounts().signup("BOB@Example.com", "another password!", "Bob 2"), ErrorCode.CONFLICT);
    }

    @Test
    void badSignupInputIsInvalidAndCreatesNothing() throws Exception {
        assertCode(domain.accounts().signup("carol@example.com", "short", "Carol"), ErrorCode.INVALID);
        assertCode(domain.accounts().signup("not-an-email", "correct horse battery", "Carol"), ErrorCode.INVALID);
        assertCode(domain.accounts().signup("carol@example.com", "correct horse battery", "   "), ErrorCode.INVALID);
        assertCode(domain.accounts().signup(null, "correct horse battery", "Carol"), ErrorCode.INVALID);
        assertCode(domain.accounts().signup("carol@example.com", "correct horse battery", "x".repeat(101)), ErrorCode.INVALID);
        assertThat(count("SELECT COUNT(*) FROM homeowner")).isZero();
    }

    @Test
    void passwordsAndTokensAreStoredOnlyHashed() throws Exception {
        AuthResult a = join(domain.accounts().signup("dave@example.com", "correct horse battery", "Dave"));
        try (Connection c = domain.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT password_hash FROM homeowner")) {
                rs.next();
                assertThat(rs.getString(1)).startsWith("$argon2id$").doesNotContain("correct horse battery");
            }
            try (ResultSet rs = st.executeQuery("SELECT token_hash FROM homeowner_token")) {
                rs.next();
                assertThat(rs.getString(1)).hasSize(64).isNotEqualTo(a.token()).doesNotContain(a.token().substring(3));
            }
        }
    }

    @Test
    void loginChecksThePasswordAndIssuesANewToken() {
        AuthResult a = join(domain.accounts().signup("erin@example.com", "correct horse battery", "Erin"));
        AuthResult b = join(domain.accounts().login("ERIN@example.com", "correct horse battery", "198.51.100.1"));
        assertThat(b.homeowner().id()).isEqualTo(a.homeowner().id());
        assertThat(b.token()).isNotEqualTo(a.token());
        assertThat(principal(b).homeownerId()).isEqualTo(a.homeowner().id());
        assertCode(domain.accounts().login("erin@example.com", "wrong password!!", "198.51.100.1"), ErrorCode.UNAUTHORIZED);
        assertCode(domain.accounts().login("nobody@example.com", "correct horse battery", "198.51.100.1"), ErrorCode.UNAUTHORIZED);
        assertCode(domain.accounts().login("", "", "198.51.100.1"), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void logoutRevokesOnlyThatTokenAtOnce() {
        AuthResult a = join(domain.accounts().signup("fay@example.com", "correct horse battery", "Fay"));
        AuthResult b = join(domain.accounts().login("fay@example.com", "correct horse battery", "198.51.100.1"));
        join(domain.accounts().logout(a.token()));
        assertThat(join(domain.accounts().authenticate(a.token()))).isEmpty();
        assertThat(join(domain.accounts().authenticate(b.token()))).isPresent();
        join(domain.accounts().logout(principal(b)));
        assertThat(join(domain.accounts().authenticate(b.token()))).isEmpty();
        join(domain.accounts().logout(a.token())); // twice: harmless
    }

    @Test
    void tokensExpire() {
        AuthResult a = signup();
        clock.advance(Duration.ofDays(29));
        assertThat(join(domain.accounts().authenticate(a.token()))).isPresent();
        clock.advance(Duration.ofDays(2));
        assertThat(join(domain.accounts().authenticate(a.token()))).isEmpty();
    }

    @Test
    void malformedOrForeignTokensDoNotAuthenticate() {
        AuthResult a = signup();
        for (String t : new String[]{null, "", "qh_", "qh_short", a.token() + "x", "qv_" + a.token().substring(3),
                a.token().substring(0, a.token().length() - 1) + (a.token().endsWith("A") ? "B" : "A"), "qh_" + "a b".repeat(10)}) {
            assertThat(join(domain.accounts().authenticate(t))).as("token %s", t).isEmpty();
        }
    }

    @Test
    void loginAttemptsAreRateLimitedPerEmailAndAddress() {
        QRingDomain strict = start(backend.freshDatabase(), s -> s.withLimits(new DomainSettings.Limits(3, Duration.ofMinutes(5),
                10, Duration.ofMinutes(1), 20, Duration.ofMinutes(10), Duration.ofDays(30))));
        join(strict.accounts().signup("gil@example.com", "correct horse battery", "Gil"));
        for (int i = 0; i < 3; i++) {
            assertCode(strict.accounts().login("gil@example.com", "wrong password!!", "203.0.113.7"), ErrorCode.UNAUTHORIZED);
        }
        // limit reached: even the right password is refused from this address...
        assertCode(strict.accounts().login("gil@example.com", "correct horse battery", "203.0.113.7"), ErrorCode.RATE_LIMITED);
        assertCode(strict.accounts().login("GIL@example.com", "correct horse battery", "203.0.113.7"), ErrorCode.RATE_LIMITED);
        // ...but another address is not affected, and after the window it works again
        join(strict.accounts().login("gil@example.com", "correct horse battery", "203.0.113.8"));
        clock.advance(Duration.ofMinutes(5));
        join(strict.accounts().login("gil@example.com", "correct horse battery", "203.0.113.7"));
    }

    @Test
    void oneAddressCyclingEmailsIsRateLimitedBeforeAnyHashing() {
        QRingDomain strict = start(backend.freshDatabase(), s -> s.withLimits(
                RELAXED.withAddressLimits(5, Duration.ofMinutes(5), 1000, Duration.ofHours(1))));
        AccountService accounts = strict.accounts();
        join(accounts.signup("ivy@example.com", "correct horse battery", "Ivy"));
        for (int i = 0; i < 5; i++) {
            assertCode(accounts.login("nobody" + i + "@example.com", "wrong password!!", "203.0.113.9"), ErrorCode.UNAUTHORIZED);
        }
        long hashes = accounts.hashOperations();
        for (int i = 5; i < 40; i++) {
            CompletableFuture<AuthResult> f = accounts.login("nobody" + i + "@example.com", "wrong password!!", "203.0.113.9");
            assertThat(f).as("answered at once, without database or hashing").isCompletedExceptionally();
            assertCode(f, ErrorCode.RATE_LIMITED);
        }
        // the right password of a real account is refused from that address too, still without hashing
        assertCode(accounts.login("ivy@example.com", "correct horse battery", "203.0.113.9"), ErrorCode.RATE_LIMITED);
        assertThat(accounts.hashOperations()).isEqualTo(hashes);
        // other addresses are not affected; after the window the address may try again
        join(accounts.login("ivy@example.com", "correct horse battery", "203.0.113.10"));
        clock.advance(Duration.ofMinutes(5));
        join(accounts.login("ivy@example.com", "correct horse battery", "203.0.113.9"));
        // absurdly long emails (no account can have one) are refused at once and never become limiter keys
        CompletableFuture<AuthResult> huge = accounts.login("x".repeat(10_000) + "@example.com", "wrong password!!", "203.0.113.11");
        assertThat(huge).isCompletedExceptionally();
        assertCode(huge, ErrorCode.UNAUTHORIZED);
    }

    @Test
    void signupsAreRateLimitedPerAddressBeforeAnyHashing() {
        QRingDomain strict = start(backend.freshDatabase(), s -> s.withLimits(
                RELAXED.withAddressLimits(1000, Duration.ofMinutes(5), 3, Duration.ofHours(1))));
        AccountService accounts = strict.accounts();
        for (int i = 0; i < 3; i++) join(accounts.signup("s" + i + "@example.com", "correct horse battery", "S", "198.51.100.20"));
        long hashes = accounts.hashOperations();
        CompletableFuture<AuthResult> refused = accounts.signup("s3@example.com", "correct horse battery", "S", "198.51.100.20");
        assertThat(refused).as("answered at once, without database or hashing").isCompletedExceptionally();
        assertCode(refused, ErrorCode.RATE_LIMITED);
        assertThat(accounts.hashOperations()).isEqualTo(hashes);
        assertThat(join(accounts.authenticate(join(accounts.login("s0@example.com", "correct horse battery", "198.51.100.30")).token())))
                .isPresent();
        assertCode(accounts.login("s3@example.com", "correct horse battery", "198.51.100.30"), ErrorCode.UNAUTHORIZED);
        // bad input is still answered invalid; another address may sign up; the limit refills over the window
        assertCode(accounts.signup("not-an-email", "correct horse battery", "S", "198.51.100.20"), ErrorCode.INVALID);
        join(accounts.signup("s4@example.com", "correct horse battery", "S", "198.51.100.21"));
        clock.advance(Duration.ofMinutes(20));
        join(accounts.signup("s5@example.com", "correct horse battery", "S", "198.51.100.20"));
        assertCode(accounts.signup("s6@example.com", "correct horse battery", "S", "198.51.100.20"), ErrorCode.RATE_LIMITED);
    }

    @Test
    void concurrentSignupsWithTheSameEmailCreateOneAccount() throws Exception {
        List<java.util.concurrent.CompletableFuture<AuthResult>> fs = new ArrayList<>();
        for (int i = 0; i < 4; i++) fs.add(domain.accounts().signup("hal" + (i % 2 == 0 ? "" : "") + "@example.com", "correct horse battery", "Hal"));
        int ok = 0;
        for (var f : fs) {
            try {
                f.join();
                ok++;
            } catch (Exception e) {
                assertThat(dev.qring.domain.DomainException.of(e).code()).isEqualTo(ErrorCode.CONFLICT);
            }
        }
        assertThat(ok).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM homeowner")).isEqualTo(1);
    }

    private long count(String sql) throws Exception {
        try (Connection c = domain.database().dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
