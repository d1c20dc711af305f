package dev.qring.app.realtime.calls;

import dev.qring.app.realtime.Realtime;
import dev.qring.domain.call.Call;
import dev.qring.domain.call.CallEvents;
import java.util.Map;
import java.util.UUID;

/**
 * {@code call.updated {call}} after every committed change: to the session room on {@code /realtime/signaling}
 * (both parties, every device that joined) and to the homeowner's devices on {@code /realtime/dashboard} — so every
 * device rings, and the others stop ringing when one accepts.
 */
public final class CallBroadcaster implements CallEvents {
    private final Realtime realtime;

    public CallBroadcaster(Realtime realtime) {
        this.realtime = realtime;
    }

    @Override
    public void callUpdated(Call call, UUID homeownerId) {
        Map<String, Object> payload = Map.of("call", CallView.of(call));
        realtime.toSession(call.sessionId(), "call.updated", payload);
        realtime.toHomeownerDashboard(homeownerId, "call.updated", payload);
    }
}
