package dev.qring.app.realtime;

import dev.qring.domain.DomainException;
import dev.qring.domain.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Acknowledgement bodies of product.md: {@code {ok:true, ...}} or {@code {ok:false, error:{code, message}}}.
 * Values are serialized with Jackson (records, instants as ISO-8601 strings).
 */
public final class Acks {
    private Acks() { }

    public static Map<String, Object> ok() { return Map.of("ok", true); }

    /** {@code ok("session", s, "messages", list)}: key/value pairs after {@code ok:true}; null values are kept as JSON null. */
    public static Map<String, Object> ok(Object... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("key/value pairs expected");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", true);
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    public static Map<String, Object> error(String code, String message) {
        return Map.of("ok", false, "error", Map.of("code", code, "message", message == null ? code : message));
    }

    public static Map<String, Object> error(ErrorCode code, String message) { return error(code.wire(), message); }

    public static Map<String, Object> error(DomainException e) { return error(e.code().wire(), e.getMessage()); }

    /** Any failure as an ack: a DomainException keeps its code; anything else is {@code unavailable}. */
    public static Map<String, Object> error(Throwable t) { return error(DomainException.of(t)); }

    public static boolean isOk(Object ack) {
        return ack instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("ok"));
    }

    /** The error code of an error ack, or null. */
    @SuppressWarnings("unchecked")
    public static String errorCode(Object ack) {
        if (ack instanceof Map<?, ?> m && m.get("error") instanceof Map<?, ?> e) return (String) e.get("code");
        return null;
    }
}
