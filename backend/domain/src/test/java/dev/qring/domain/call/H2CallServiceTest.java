package dev.qring.domain.call;

import dev.qring.domain.db.Database;
import dev.qring.domain.db.DatabaseSettings;
import java.nio.file.Files;

/** {@link CallServiceContract} on the embedded H2 database (PostgreSQL mode), as {@code ./qring run} uses it. */
class H2CallServiceTest extends CallServiceContract {
    @Override
    protected Database openDatabase() throws Exception {
        return Database.open(DatabaseSettings.embedded(Files.createTempDirectory("qring-calls-h2")));
    }
}
