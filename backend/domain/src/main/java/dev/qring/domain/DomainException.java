package dev.qring.domain;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A refusal or failure with a stable {@link ErrorCode}. The message is safe to show to the client (never holds
 * secrets, tokens or SQL). Service futures complete exceptionally with this (possibly wrapped in a
 * {@link CompletionException}); use {@link #of(Throwable)} to get it back.
 */
public class DomainException extends RuntimeException {
    private final ErrorCode code;

    public DomainException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public DomainException(ErrorCode code, String message, Throwable cause) {
        super(message, cause, false, false);
        this.code = code;
    }

    public ErrorCode code() { return code; }

    public static DomainException invalid(String message) { return new DomainException(ErrorCode.INVALID, message); }
    public static DomainException notFound(String message) { return new DomainException(ErrorCode.NOT_FOUND, message); }
    public static DomainException forbidden(String message) { return new DomainException(ErrorCode.FORBIDDEN, message); }
    public static DomainException conflict(String message) { return new DomainException(ErrorCode.CONFLICT, message); }

    /**
     * The DomainException behind {@code t} (unwrapping CompletionException/ExecutionException); any other failure
     * becomes {@link ErrorCode#UNAVAILABLE} with a generic message (details belong in the server log, not the client).
     */
    public static DomainException of(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
        if (c instanceof DomainException d) return d;
        return new DomainException(ErrorCode.UNAVAILABLE, "temporarily unavailable", c);
    }

    @Override
    public String toString() { return "DomainException[" + code.wire() + ": " + getMessage() + "]"; }
}
