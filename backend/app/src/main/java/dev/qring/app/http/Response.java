package dev.qring.app.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response built by a route handler: status, headers, body bytes. */
public record Response(int status, Map<String, String> headers, byte[] body) {

    public static Response json(int status, Object value) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json; charset=utf-8");
        h.put("cache-control", "no-store");
        return new Response(status, h, Json.write(value));
    }

    public static Response ok(Object value) { return json(200, value); }

    public static Response created(Object value) { return json(201, value); }

    public static Response noContent() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("cache-control", "no-store");
        return new Response(204, h, new byte[0]);
    }

    public static Response bytes(int status, String contentType, byte[] body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", contentType);
        return new Response(status, h, body);
    }

    public static Response text(int status, String contentType, String body) {
        return bytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Response error(int status, String code, String message) {
        return json(status, Map.of("error", Map.of("code", code, "message", message)));
    }

    public static Response error(ApiException e) { return error(e.status(), e.code(), e.getMessage()); }

    public Response header(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name.toLowerCase(java.util.Locale.ROOT), value);
        return new Response(status, h, body);
    }
}
