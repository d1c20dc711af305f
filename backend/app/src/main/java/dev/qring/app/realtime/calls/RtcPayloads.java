package dev.qring.app.realtime.calls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qring.domain.DomainException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Shape checks for relayed WebRTC signaling. The server does not parse SDP or candidates (the browsers do); it
 * only makes sure what it relays is bounded and looks like what it claims to be, so a party cannot push arbitrary
 * payloads through the relay. Anything else is {@code invalid} and nothing is relayed.
 */
final class RtcPayloads {
    private RtcPayloads() { }

    static final int MAX_SDP_BYTES = 100 * 1024;
    static final int MAX_CANDIDATE_CHARS = 1024;
    static final int MAX_MID_CHARS = 64;
    static final int MAX_UFRAG_CHARS = 256;

    /** One SDP line: a lower-case type letter, '=', then printable text (tabs allowed, no control characters). */
    private static final Pattern SDP_LINE = Pattern.compile("[a-z]=[^\\x00-\\x08\\x0A-\\x1F\\x7F]*");
    private static final Pattern NO_CONTROL = Pattern.compile("[^\\x00-\\x1F\\x7F]*");

    /** RFC 8866 text: first line {@code v=0}, lines separated by CRLF or LF, each {@code <type>=<value>}. */
    static String sdp(String sdp) {
        if (sdp == null) throw DomainException.invalid("'sdp' is required");
        if (sdp.length() > MAX_SDP_BYTES || sdp.getBytes(StandardCharsets.UTF_8).length > MAX_SDP_BYTES) {
            throw DomainException.invalid("'sdp' is larger than 100 KB");
        }
        if (!(sdp.startsWith("v=0\r\n") || sdp.startsWith("v=0\n"))) throw DomainException.invalid("'sdp' must start with v=0");
        String[] lines = sdp.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty() && i == lines.length - 1) continue; // the final line break
            if (!SDP_LINE.matcher(line).matches()) throw DomainException.invalid("'sdp' line " + (i + 1) + " is not <type>=<value>");
        }
        return sdp;
    }

    /**
     * An RTCIceCandidateInit: {@code candidate} ("" = end of candidates, else starting "candidate:", ≤ 1 KB),
     * optional {@code sdpMid}, {@code sdpMLineIndex}, {@code usernameFragment}. Returns what is relayed: exactly
     * those fields (unknown ones are dropped).
     */
    static Map<String, Object> candidate(JsonNode c) {
        if (c == null || !c.isObject()) throw DomainException.invalid("'candidate' must be an object");
        JsonNode text = c.get("candidate");
        if (text == null || !text.isTextual()) throw DomainException.invalid("'candidate.candidate' must be a string");
        String s = text.asText();
        if (s.length() > MAX_CANDIDATE_CHARS) throw DomainException.invalid("'candidate.candidate' is longer than 1 KB");
        if (!s.isEmpty() && !s.startsWith("candidate:")) throw DomainException.invalid("'candidate.candidate' must start with candidate:");
        if (!NO_CONTROL.matcher(s).matches()) throw DomainException.invalid("'candidate.candidate' has control characters");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("candidate", s);
        JsonNode mid = c.get("sdpMid");
        if (mid != null && !mid.isNull()) {
            if (!mid.isTextual() || mid.asText().length() > MAX_MID_CHARS || !NO_CONTROL.matcher(mid.asText()).matches()) {
                throw DomainException.invalid("'candidate.sdpMid' must be a short string");
            }
            out.put("sdpMid", mid.asText());
        }
        JsonNode index = c.get("sdpMLineIndex");
        if (index != null && !index.isNull()) {
            if (!index.isIntegralNumber() || index.asLong() < 0 || index.asLong() > 1023) {
                throw DomainException.invalid("'candidate.sdpMLineIndex' must be an integer 0..1023");
            }
            out.put("sdpMLineIndex", index.asInt());
        }
        JsonNode ufrag = c.get("usernameFragment");
        if (ufrag != null && !ufrag.isNull()) {
            if (!ufrag.isTextual() || ufrag.asText().length() > MAX_UFRAG_CHARS || !NO_CONTROL.matcher(ufrag.asText()).matches()) {
                throw DomainException.invalid("'candidate.usernameFragment' must be a short string");
            }
            out.put("usernameFragment", ufrag.asText());
        }
        return out;
    }
}
