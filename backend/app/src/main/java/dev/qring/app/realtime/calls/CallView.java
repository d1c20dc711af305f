package dev.qring.app.realtime.calls;

import dev.qring.domain.call.Call;
import java.time.Instant;
import java.util.UUID;

/**
 * The product.md call shape on the wire, with times as ISO-8601 UTC strings whatever the serializer's settings.
 * {@code setupMs} is an addition (the reported media setup time).
 */
public record CallView(UUID id, UUID sessionId, String clientCallId, String initiatorRole, String media, String state,
                       String createdAt, String answeredAt, String connectedAt, String endedAt, String endReason,
                       String path, Integer setupMs) {

    public static CallView of(Call c) {
        if (c == null) return null;
        return new CallView(c.id(), c.sessionId(), c.clientCallId(), c.initiatorRole().wire(), c.media().wire(),
                c.state().wire(), iso(c.createdAt()), iso(c.answeredAt()), iso(c.connectedAt()), iso(c.endedAt()),
                c.endReason(), c.path(), c.setupMs());
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
