package dev.qring.domain.turn;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@code GET /api/v1/ice-servers} and the {@code call.start}/{@code call.accept} acks return.
 *
 * <p>Order is meaningful: browsers prefer earlier servers among candidates of equal type, so the list is STUN first,
 * then the primary region's TURN URLs (UDP, TCP, TLS), then the standby region's (UDP, TCP, TLS).
 *
 * @param iceServers the entries, ready for {@code new RTCPeerConnection({iceServers})}
 * @param ttlSeconds how long the TURN credentials are valid from issue time
 * @param expiresAt  after this instant coturn refuses the credentials for NEW allocations (401). An allocation made
 *                   before keeps working past it (measured with coturn 4.6.1: it checks the expiry when it first
 *                   authenticates a session, not on that session's refreshes), so a call may outlast the TTL; a new
 *                   call or an ICE restart needs a fresh list
 * @param refreshAt  when a client should fetch a fresh list (80 % of the TTL): early enough that an ICE restart or
 *                   a new call never uses an expiring credential
 */
public record IceServers(List<IceServer> iceServers, long ttlSeconds, Instant expiresAt, Instant refreshAt) {
    public IceServers {
        iceServers = List.copyOf(Objects.requireNonNull(iceServers, "iceServers"));
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(refreshAt, "refreshAt");
    }

    /** The TURN entries only (those with credentials). */
    public List<IceServer> turnServers() {
        return iceServers.stream().filter(s -> s.username() != null).toList();
    }
}
