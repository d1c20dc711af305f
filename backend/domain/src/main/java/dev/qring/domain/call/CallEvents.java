package dev.qring.domain.call;

import java.util.UUID;

/**
 * What {@link CallService} tells the realtime layer, always AFTER the change is committed, once per stored change
 * (duplicates and refused events publish nothing). Called from domain threads (virtual threads, timers):
 * implementations hand off and return quickly. An exception thrown here is logged and otherwise ignored.
 */
public interface CallEvents {
    /** The call changed: {@code call.updated} to the session room and to {@code homeownerId}'s dashboard. */
    void callUpdated(Call call, UUID homeownerId);

    CallEvents NONE = (call, homeownerId) -> { };
}
