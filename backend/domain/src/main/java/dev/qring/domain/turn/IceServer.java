package dev.qring.domain.turn;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a WebRTC {@code RTCConfiguration.iceServers} list, serialised exactly as browsers expect
 * ({@code {urls, username?, credential?}}).
 *
 * @param urls       one or more {@code stun:}/{@code turn:}/{@code turns:} URLs sharing the credentials below
 * @param username   TURN REST username {@code <unix expiry>:<opaque id>}; null for STUN
 * @param credential base64(HMAC-SHA1(secret, username)); null for STUN
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IceServer(List<String> urls, String username, String credential) {
    public IceServer {
        urls = List.copyOf(Objects.requireNonNull(urls, "urls"));
        if (urls.isEmpty()) throw new IllegalArgumentException("an ICE server needs at least one URL");
        if ((username == null) != (credential == null)) throw new IllegalArgumentException("username and credential go together");
    }

    /** Never prints the credential (it grants relay use until it expires). */
    @Override
    public String toString() {
        return "IceServer{urls=" + urls + (username != null ? ", username=" + username + ", credential=<hidden>" : "") + "}";
    }
}
