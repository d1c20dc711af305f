package dev.qring.domain.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The connection pool, the schema and the threads JDBC runs on.
 *
 * <p>PostgreSQL when a URL is configured, otherwise an embedded H2 file database in PostgreSQL mode (so
 * {@code ./qring run} needs nothing installed). Migrations ({@code classpath:db/migration}) are written in the SQL
 * subset both understand.
 *
 * <p>Plain JDBC rather than Jdbi or an ORM: the hot path (chat group commit) needs exact control over batching,
 * row locks and transaction boundaries, and the rest is a handful of short statements — a mapping library would
 * add a layer without removing much code.
 *
 * <p>Threads: JDBC blocks, so every statement runs on a virtual thread ({@link #async}), never on the caller's
 * thread (which may be a Netty event loop). Failures to reach the database surface as
 * {@link ErrorCode#UNAVAILABLE}; the pool waits at most {@link DatabaseSettings#connectTimeout()} for a connection,
 * so an outage fails fast instead of piling up.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    /** PostgreSQL: the longest any pooled statement may run (server-side {@code statement_timeout}). */
    static final int STATEMENT_TIMEOUT_MS = 10_000;

    private final HikariDataSource dataSource;
    private final boolean postgres;
    private final ExecutorService executor =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("qring-db-", 0).factory());

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    /** Opens the pool and migrates the schema. Fails (IllegalStateException) if the database cannot be reached. */
    public static Database open(DatabaseSettings settings) {
        HikariConfig cfg = new HikariConfig();
        boolean pg = !settings.isEmbedded();
        if (pg) {
            JdbcTarget t = JdbcTarget.parse(settings.url());
            cfg.setJdbcUrl(t.jdbcUrl());
            if (t.user() != null) cfg.setUsername(t.user());
            if (t.password() != null) cfg.setPassword(t.password());
            // Bounded waits so a dead or partitioned server cannot hang a thread forever; batched inserts are
            // rewritten into multi-row INSERTs (one round trip per chat batch).
            cfg.addDataSourceProperty("connectTimeout", "2");
            cfg.addDataSourceProperty("loginTimeout", "2");
            cfg.addDataSourceProperty("socketTimeout", "30");
            cfg.addDataSourceProperty("tcpKeepAlive", "true");
            cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
            // No statement runs longer than this (a held lock, a runaway query): the thread is freed, the caller sees
            // an error. Server-side, so hot paths need no JDBC setQueryTimeout (pgjdbc arms a java.util.Timer task
            // per statement: ~15 % of the server's samples at 2,000 chat messages/s). Migrations lift it (initSql).
            cfg.addDataSourceProperty("options", "-c statement_timeout=" + STATEMENT_TIMEOUT_MS);
        } else {
            Path dir = settings.dataDir().toAbsolutePath();
            try {
                Files.createDirectories(dir);
            } catch (Exception e) {
                throw new IllegalStateException("cannot create QRING_DATA_DIR " + dir + ": " + e.getMessage(), e);
            }
            // WRITE_DELAY=0: H2's default (500 ms) lets MVStore write committed transactions to the file in the
            // background up to half a second later, so a chat message acked "saved" could be lost by a crash. With
            // 0 every commit writes its MVStore chunk to the file before commit() returns (H2 2.3
            // TransactionStore.commit -> MVStore.commit when autoCommitDelay == 0): the ack follows the write.
            // (H2 leaves the fsync to the OS: this survives a process crash, not necessarily a power cut.)
            cfg.setJdbcUrl(h2Url(dir));
            cfg.setUsername("qring");
            cfg.setPassword("");
        }
        cfg.setPoolName("qring-db");
        cfg.setMaximumPoolSize(settings.poolSize());
        cfg.setMinimumIdle(Math.min(2, settings.poolSize()));
        cfg.setConnectionTimeout(Math.max(250, settings.connectTimeout().toMillis()));
        cfg.setValidationTimeout(Math.max(250, Math.min(1000, settings.connectTimeout().toMillis())));
        cfg.setAutoCommit(false);
        // Start even if the database is down right now (the app reports it unhealthy and recovers when it returns);
        // migration below still needs it once.
        cfg.setInitializationFailTimeout(-1);
        HikariDataSource ds = new HikariDataSource(cfg);
        try {
            // The very first connection (H2 opening its file, a busy 2-core CI machine, a database still starting)
            // can take longer than the fail-fast bound meant for outages: Flyway retries getting it (1 s, 2 s, 4 s,
            // 8 s apart) instead of the pool's bound being raised (a pool's timeout is not reliably changed later).
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").connectRetries(4)
                    .initSql(pg ? "SET statement_timeout = 0" : null).load().migrate();
            // The lifted timeout is a session setting of the connections Flyway used: retire them from the pool.
            if (pg) ds.getHikariPoolMXBean().softEvictConnections();
        } catch (RuntimeException e) {
            ds.close();
            throw new IllegalStateException("database migration failed (" + (pg ? "PostgreSQL" : "embedded H2") + "): "
                    + e.getMessage(), e);
        }
        log.info("database ready: {}", pg ? "PostgreSQL" : "embedded H2 under " + settings.dataDir().toAbsolutePath());
        return new Database(ds, pg);
    }

    /** The embedded H2 JDBC URL for a data directory (package-private for tests). */
    static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("qring") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"
                + ";DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=3000;WRITE_DELAY=0";
    }

    public DataSource dataSource() { return dataSource; }

    /** True for PostgreSQL, false for the embedded H2 database. */
    public boolean isPostgres() { return postgres; }

    /** The virtual-thread executor JDBC work runs on. */
    public ExecutorService executor() { return executor; }

    /**
     * Runs {@code work} in one transaction on a virtual thread: committed when it returns, rolled back when it
     * throws. A {@link DomainException} thrown by the work passes through unchanged; a failure to reach the
     * database becomes {@link ErrorCode#UNAVAILABLE}.
     */
    public <T> CompletableFuture<T> async(SqlWork<T> work) {
        return CompletableFuture.supplyAsync(() -> inTransaction(work), executor);
    }

    /** Runs a unit of work on a virtual thread outside any transaction helper (e.g. password hashing then SQL). */
    public <T> CompletableFuture<T> supply(java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, executor);
    }

    /** Like {@link #async} but on the calling thread (which must be allowed to block). */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Throwable t) {
                rollbackQuietly(c);
                throw t;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Maps a JDBC failure to the domain's codes; details go to the log only. */
    public static DomainException translate(SQLException e) {
        if (isConnectionFailure(e)) {
            log.warn("database unavailable: {}", e.toString());
            return new DomainException(ErrorCode.UNAVAILABLE, "database unavailable", e);
        }
        if (isUniqueViolation(e)) log.debug("unique violation (callers handle races): {}", e.toString());
        else log.error("database error", e);
        return new DomainException(ErrorCode.UNAVAILABLE, "database error", e);
    }

    /** True when the failure means the database could not be reached (as opposed to a bad statement). */
    public static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) return true;
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) return true;
        }
        return false;
    }

    /** True for a unique-constraint violation (SQLState 23505 in both PostgreSQL and H2). */
    public static boolean isUniqueViolation(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && "23505".equals(s.getSQLState())) return true;
        }
        return false;
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }

    /** Asynchronous health check: true when a connection answers within about one second. */
    public CompletableFuture<Boolean> checkHealth() {
        return CompletableFuture.supplyAsync(() -> {
            try (Connection c = dataSource.getConnection()) {
                return c.isValid(1);
            } catch (SQLException e) {
                return false;
            }
        }, executor).completeOnTimeout(false, 1500, TimeUnit.MILLISECONDS);
    }

    /** Blocking health check bounded to ~1.5 s. Do not call from an event loop; use {@link #checkHealth()}. */
    public boolean isHealthy() {
        return checkHealth().join();
    }

    @Override
    public void close() {
        dataSource.close();
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A PostgreSQL JDBC URL plus optional credentials, parsed from either accepted URL form. */
    record JdbcTarget(String jdbcUrl, String user, String password) {
        static JdbcTarget parse(String url) {
            String u = url.strip();
            if (u.startsWith("jdbc:postgresql:")) return new JdbcTarget(u, null, null);
            if (!(u.startsWith("postgresql://") || u.startsWith("postgres://"))) {
                throw new IllegalArgumentException("QRING_DATABASE_URL must start with postgresql:// or jdbc:postgresql://");
            }
            URI uri;
            try {
                uri = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("QRING_DATABASE_URL is not a valid URL");
            }
            if (uri.getHost() == null) throw new IllegalArgumentException("QRING_DATABASE_URL has no host");
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                if (parts.length > 1) password = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
            }
            String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
            String jdbc = "jdbc:postgresql://" + host + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
                    + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
            return new JdbcTarget(jdbc, user, password);
        }
    }
}
