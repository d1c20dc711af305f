package dev.qring.app.http;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as a route handler sees it: already fully read and detached from Netty's buffers, so handlers
 * run on virtual threads without touching reference-counted memory.
 *
 * @param route      the matched route template ("/api/v1/doors/{id}"), used as the metrics label
 * @param pathParams values of the template's {placeholders}
 */
public record Request(String method, String path, String route, Map<String, String> pathParams,
                      Map<String, List<String>> query, Map<String, String> headers, byte[] body,
                      InetSocketAddress remoteAddress) {

    public String pathParam(String name) { return pathParams.get(name); }

    /** First value of a query parameter, or null when absent or blank. */
    public String queryParam(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() || v.getFirst().isBlank() ? null : v.getFirst();
    }

    /** Header lookup; names are stored lower-case. */
    public String header(String name) { return headers.get(name.toLowerCase(java.util.Locale.ROOT)); }

    /** The bearer token of the Authorization header, or null. */
    public String bearerToken() {
        String h = header("authorization");
        if (h == null) return null;
        h = h.strip();
        if (h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String t = h.substring(7).strip();
            return t.isEmpty() ? null : t;
        }
        return null;
    }

    public <T> T json(Class<T> type) { return Json.read(body, type); }
}
