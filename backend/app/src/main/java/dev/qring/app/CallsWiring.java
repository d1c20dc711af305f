package dev.qring.app;

import dev.qring.app.realtime.Realtime;
import dev.qring.app.realtime.SignalingContext;
import dev.qring.domain.DomainSettings;
import dev.qring.domain.turn.IceServerIssuer;
import dev.qring.socketio.Namespace;

/** Where the calls handler set (dev.qring.app.realtime.calls) is plugged in; nothing until it exists. */
final class CallsWiring {
    private CallsWiring() { }

    static void register(QRingServer server, Namespace signaling, SignalingContext ctx, Realtime realtime,
                         IceServerIssuer ice, DomainSettings settings) {
        // wired once the calls helper commits CallHandlers
    }
}
