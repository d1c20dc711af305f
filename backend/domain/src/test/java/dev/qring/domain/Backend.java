package dev.qring.domain;

import dev.qring.domain.db.DatabaseSettings;
import dev.qring.testkit.PostgresProcess;
import dev.qring.testkit.TestPaths;

import java.util.concurrent.atomic.AtomicInteger;

/** The two databases every data-layer test runs against. */
public enum Backend {
    H2 {
        @Override
        public DatabaseSettings freshDatabase() {
            return DatabaseSettings.embedded(TestPaths.scratch("h2"));
        }
    },
    POSTGRES {
        @Override
        public DatabaseSettings freshDatabase() {
            return DatabaseSettings.postgres(SharedPostgres.get().createDatabase("t" + COUNTER.incrementAndGet()));
        }
    };

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** Settings for a new, empty database of this kind. */
    public abstract DatabaseSettings freshDatabase();

    /** One PostgreSQL server per test JVM, started on first use, stopped by pid at JVM exit. */
    public static final class SharedPostgres {
        private static PostgresProcess instance;

        public static synchronized PostgresProcess get() {
            if (instance == null) instance = PostgresProcess.startNew();
            return instance;
        }
    }
}
