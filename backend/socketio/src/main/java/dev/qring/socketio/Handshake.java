package dev.qring.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the client sent when it connected: the CONNECT auth payload ({@link NullNode} when absent),
 * the HTTP headers and query of the Engine.IO handshake request, and the remote address.
 */
public record Handshake(JsonNode auth, Map<String, List<String>> headers, Map<String, List<String>> query,
                        InetSocketAddress remoteAddress, Instant issuedAt) {

    /** First value of a header, case-insensitive, or null. */
    public String header(String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().getFirst();
        }
        return null;
    }
}
