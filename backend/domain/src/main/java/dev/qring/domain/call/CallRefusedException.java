package dev.qring.domain.call;

import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;

/** A refused call event ({@code forbidden} or {@code conflict}), carrying the call as it is so clients can catch up. */
public final class CallRefusedException extends DomainException {
    private final transient Call call;

    public CallRefusedException(ErrorCode code, String message, Call call) {
        super(code, message);
        this.call = call;
    }

    /** The call's current state (never null). */
    public Call call() { return call; }
}
