package dev.qring.app.realtime.calls;

import dev.qring.app.support.TestServer;
import dev.qring.testkit.PostgresProcess;
import java.util.Map;

/** {@link CallSignalingContract} on a real PostgreSQL started by the test on a loopback port of its own. */
class CallSignalingPostgresTest extends CallSignalingContract {
    private PostgresProcess pg;

    @Override
    protected TestServer startServer() {
        pg = PostgresProcess.startNew();
        pg.createDatabase("qring_calls");
        return TestServer.start(Map.of("QRING_DATABASE_URL", pg.url("qring_calls")));
    }

    @Override
    protected void stopDatabase() {
        if (pg != null) pg.close();
    }
}
