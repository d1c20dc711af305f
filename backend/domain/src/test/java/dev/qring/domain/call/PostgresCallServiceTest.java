package dev.qring.domain.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.qring.domain.ErrorCode;
import dev.qring.domain.call.CallStateMachine.SignalKind;
import dev.qring.domain.db.Database;
import dev.qring.domain.db.DatabaseSettings;
import dev.qring.testkit.PostgresProcess;
import org.junit.jupiter.api.Test;

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

    private void awaitDatabase() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!db.isHealthy()) {
            if (System.nanoTime() > deadline) throw new AssertionError("PostgreSQL did not come back");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** PostgreSQL stopped mid-call: the live call can still signal (ICE restart); state changes wait for it. */
    @Test
    void signalingOfALiveCallSurvivesADatabaseOutage() {
        Call live = connectedCall();
        pg.stop();
        try {
            CallService.SignalRoute r = calls.signal(phone, live.id(), SignalKind.OFFER);
            assertThat(r.to()).isEqualTo(CallRole.VISITOR);
            assertThat(calls.signal(visitor, live.id(), SignalKind.CANDIDATE).homeownerDevice()).isEqualTo(phone.tokenId());
            // Still authorized and still the state machine's rules, from memory.
            assertRefused(() -> calls.signal(laptop, live.id(), SignalKind.OFFER), ErrorCode.FORBIDDEN);
            // What must be stored cannot happen now.
            assertRefused(() -> calls.end(visitor, live.id(), null), ErrorCode.UNAVAILABLE);
            assertRefused(() -> calls.start(visitor, sessionId, "during-outage", "audio"), ErrorCode.UNAVAILABLE);
        } finally {
            pg.start();
            awaitDatabase();
        }
        // Back: the call is as it was and ends normally.
        assertThat(calls.get(visitor, live.id()).state()).isEqualTo(CallState.CONNECTED);
        assertThat(calls.end(visitor, live.id(), null).state()).isEqualTo(CallState.ENDED);
    }
}
