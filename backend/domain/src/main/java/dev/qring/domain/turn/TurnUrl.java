package dev.qring.domain.turn;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One validated STUN/TURN URL (RFC 7064 / RFC 7065): {@code stun:host[:port]},
 * {@code turn:host[:port][?transport=udp|tcp]}, {@code turns:host[:port][?transport=tcp]}.
 *
 * <p>Browsers silently ignore a malformed ICE URL (or fail the whole {@code RTCPeerConnection}), so we refuse it at
 * startup instead. User info ({@code turn:user@host}) is refused: credentials travel in {@code username}/{@code
 * credential}, never inside a URL that may be logged.
 *
 * @param scheme    {@code stun}, {@code turn} or {@code turns}
 * @param host      host name, IPv4 address or bracketed IPv6 address ({@code [2001:db8::1]})
 * @param port      explicit port, or -1 when the URL had none (the client then uses 3478, or 5349 for {@code turns:})
 * @param transport {@code udp}, {@code tcp} or null when the URL had no {@code ?transport=}
 */
public record TurnUrl(String scheme, String host, int port, String transport) {

    /** The relay protocol the browser ends up using with this URL; TURN entries are ordered by it. */
    public enum Protocol { UDP, TCP, TLS }

    private static final Pattern SHAPE = Pattern.compile(
            "(?i)(stun|turn|turns):(\\[[0-9a-f:.]+]|[a-z0-9.-]+)(?::(\\d{1,5}))?(?:\\?transport=([a-z]+))?");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    /**
     * Parses {@code raw}; on any problem throws IllegalArgumentException whose message starts with {@code variable}
     * (the environment variable the value came from) and says what is wrong.
     */
    public static TurnUrl parse(String variable, String raw) {
        String value = raw.strip();
        Matcher m = SHAPE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(variable + ": '" + value + "' is not a STUN/TURN URL"
                    + " (expected stun:host[:port], turn:host[:port][?transport=udp|tcp] or turns:host[:port][?transport=tcp])");
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        String host = m.group(2).toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            if (!isIpv6Literal(host.substring(1, host.length() - 1))) {
                throw new IllegalArgumentException(variable + ": '" + value + "' has an invalid IPv6 address " + host);
            }
        } else if (!HOST_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException(variable + ": '" + value + "' has an invalid host name '" + host + "'");
        }
        int port = -1;
        if (m.group(3) != null) {
            port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(variable + ": '" + value + "' has port " + port + " outside 1..65535");
            }
        }
        String transport = m.group(4) == null ? null : m.group(4).toLowerCase(Locale.ROOT);
        if (transport != null) {
            if (scheme.equals("stun")) {
                throw new IllegalArgumentException(variable + ": '" + value + "': stun: URLs take no ?transport=");
            }
            if (!transport.equals("udp") && !transport.equals("tcp")) {
                throw new IllegalArgumentException(variable + ": '" + value + "': transport must be udp or tcp, not '" + transport + "'");
            }
            if (scheme.equals("turns") && transport.equals("udp")) {
                // turns: over UDP would be DTLS, which browsers do not implement for TURN.
                throw new IllegalArgumentException(variable + ": '" + value + "': turns: (TLS) cannot use transport=udp; use transport=tcp");
            }
        }
        return new TurnUrl(scheme, host, port, transport);
    }

    private static boolean isIpv6Literal(String s) {
        // A string with ':' is parsed as an IPv6 literal by InetAddress, never looked up in DNS.
        if (!s.contains(":")) return false;
        try {
            return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address
                    || s.toLowerCase(Locale.ROOT).startsWith("::ffff:");
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public boolean isStun() { return scheme.equals("stun"); }

    public boolean isTurn() { return !isStun(); }

    /** The relay protocol a browser uses: {@code turns:} is TLS over TCP; {@code turn:} defaults to UDP. */
    public Protocol protocol() {
        if (scheme.equals("turns")) return Protocol.TLS;
        return "tcp".equals(transport) ? Protocol.TCP : Protocol.UDP;
    }

    /** Canonical form, exactly as handed to clients. */
    @Override
    public String toString() {
        return scheme + ":" + host + (port > 0 ? ":" + port : "") + (transport != null ? "?transport=" + transport : "");
    }
}
