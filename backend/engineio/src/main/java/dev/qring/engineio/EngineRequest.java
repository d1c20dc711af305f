package dev.qring.engineio;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The HTTP request that opened an Engine.IO session (headers and query are immutable snapshots). */
public record EngineRequest(Map<String, List<String>> headers, Map<String, List<String>> query,
                            InetSocketAddress remoteAddress, Instant issuedAt) {
}
