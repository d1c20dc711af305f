package dev.qring.app.realtime.calls;

import dev.qring.app.support.TestServer;

/** {@link CallSignalingContract} on the embedded H2 database. */
class CallSignalingTest extends CallSignalingContract {
    @Override
    protected TestServer startServer() {
        return TestServer.start();
    }
}
