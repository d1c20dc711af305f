package dev.qring.domain.call;

import dev.qring.domain.db.Database;
import dev.qring.domain.db.DatabaseSettings;
import dev.qring.testkit.PostgresProcess;

/** {@link CallServiceContract} on a real PostgreSQL 15 that the test starts on a loopback port of its own. */
class PostgresCallServiceTest extends CallServiceContract {
    private PostgresProcess pg;

    @Override
    protected Database openDatabase() {
        pg = PostgresProcess.startNew();
        return Database.open(DatabaseSettings.postgres(pg.createDatabase("calls")));
    }

    @Override
    protected void closeDatabase() {
        if (pg != null) pg.close();
    }
}
