package dev.qring.app.http;

/**
 * An error answer: HTTP status plus {@code {error:{code,message}}}. Codes are product.md's stable strings
 * (unauthorized, forbidden, not_found, invalid, conflict, rate_limited, not_saved, unavailable).
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() { return status; }
    public String code() { return code; }

    public static ApiException invalid(String message) { return new ApiException(400, "invalid", message); }
    public static ApiException unauthorized(String message) { return new ApiException(401, "unauthorized", message); }
    public static ApiException forbidden(String message) { return new ApiException(403, "forbidden", message); }
    public static ApiException notFound(String message) { return new ApiException(404, "not_found", message); }

    /** The HTTP status of a product.md error code. */
    public static int statusOf(String code) {
        return switch (code) {
            case "invalid" -> 400;
            case "unauthorized" -> 401;
            case "forbidden" -> 403;
            case "not_found" -> 404;
            case "conflict" -> 409;
            case "rate_limited" -> 429;
            case "not_saved", "unavailable" -> 503;
            default -> 500;
        };
    }
}
