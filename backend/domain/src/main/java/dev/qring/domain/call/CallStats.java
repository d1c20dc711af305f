package dev.qring.domain.call;

import dev.qring.domain.DomainException;
import java.util.Set;

/**
 * A client's {@code call.stats} report: what its WebRTC stack selected (RTCIceCandidatePairStats and the local /
 * remote candidate stats). Built from untrusted input: {@link #validate()} before use.
 *
 * @param setupMs             from call start (caller) or accept (callee) to the first connected candidate pair, 0..600000
 * @param localCandidateType  host, srflx, prflx or relay ("unknown" when the browser's stats did not say)
 * @param remoteCandidateType host, srflx, prflx or relay ("unknown" likewise)
 * @param protocol            transport of the selected pair: udp or tcp ("unknown" likewise)
 * @param relayProtocol       when the local candidate is a relay: how the client reaches TURN (udp, tcp or tls); else null
 * @param rttMs               current round-trip time, 0..60000, optional
 * @param lossPct             packet loss in percent, 0..100, optional
 */
public record CallStats(Integer setupMs, String localCandidateType, String remoteCandidateType, String protocol,
                        String relayProtocol, Double rttMs, Double lossPct) {

    /**
     * "unknown" is accepted so that a client whose stats API did not name the selected pair can still report the
     * connection (the call must not fail its setup timeout over missing statistics); the path is then null.
     */
    static final String UNKNOWN = "unknown";
    static final Set<String> CANDIDATE_TYPES = Set.of("host", "srflx", "prflx", "relay", UNKNOWN);
    static final Set<String> PROTOCOLS = Set.of("udp", "tcp", UNKNOWN);
    static final Set<String> RELAY_PROTOCOLS = Set.of("udp", "tcp", "tls");
    public static final int MAX_SETUP_MS = 600_000;

    /** Throws {@code invalid} naming the first bad field. */
    public CallStats validate() {
        if (setupMs == null || setupMs < 0 || setupMs > MAX_SETUP_MS) throw DomainException.invalid("setupMs must be 0..600000");
        if (!CANDIDATE_TYPES.contains(localCandidateType)) throw DomainException.invalid("localCandidateType must be host, srflx, prflx, relay or unknown");
        if (!CANDIDATE_TYPES.contains(remoteCandidateType)) throw DomainException.invalid("remoteCandidateType must be host, srflx, prflx, relay or unknown");
        if (!PROTOCOLS.contains(protocol)) throw DomainException.invalid("protocol must be udp, tcp or unknown");
        if (relayProtocol != null && !RELAY_PROTOCOLS.contains(relayProtocol)) throw DomainException.invalid("relayProtocol must be udp, tcp or tls");
        if (rttMs != null && !(rttMs >= 0 && rttMs <= 60_000)) throw DomainException.invalid("rttMs must be 0..60000");
        if (lossPct != null && !(lossPct >= 0 && lossPct <= 100)) throw DomainException.invalid("lossPct must be 0..100");
        return this;
    }

    /**
     * The media path as stored on the call: "relay/{udp,tcp,tls}" when either end uses a TURN relay (the reporting
     * side's own relay protocol when it is the relayed one), otherwise "direct/{udp,tcp}"; null when the report
     * does not say enough.
     */
    public String path() {
        if ("relay".equals(localCandidateType)) {
            String p = relayProtocol != null ? relayProtocol : protocol;
            return UNKNOWN.equals(p) ? null : "relay/" + p;
        }
        if (UNKNOWN.equals(protocol)) return null;
        if ("relay".equals(remoteCandidateType)) return "relay/" + protocol;
        if (UNKNOWN.equals(localCandidateType) || UNKNOWN.equals(remoteCandidateType)) return null;
        return "direct/" + protocol;
    }
}
