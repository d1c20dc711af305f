package dev.qring.app;

import dev.qring.app.realtime.Realtime;
import dev.qring.app.realtime.SignalingContext;
import dev.qring.app.realtime.calls.CallModule;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.call.CallService;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.socketio.Namespace;

/** Where the calls handler set (dev.qring.app.realtime.calls) is plugged in. */
final class CallsWiring {
    private CallsWiring() { }

    static void register(QRingServer server, Namespace signaling, SignalingContext ctx, Realtime realtime,
                         IceServerIssuer ice, DomainSettings settings,
                         dev.qring.app.realtime.RealtimeEvents events) {
        CallService calls = CallModule.install(signaling, ctx, server.database(), ice, server.config().callRingTimeout(),
                server.metrics().registry(), server.config().redisUrl() != null);
        events.onSessionClosed(calls::sessionEnded);
        server.closeWithServer(calls);
    }
}
