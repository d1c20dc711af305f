package dev.qring.app.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client address used for rate limits (rings, logins, signups). By default the TCP peer. Behind a reverse proxy every
 * visitor would share the proxy's address, so {@code QRING_TRUSTED_PROXIES} (IPs or CIDRs, comma-separated) lists
 * the proxies whose {@code X-Forwarded-For} is believed: the address is the right-most entry that is not itself a
 * trusted proxy (entries further left can be forged by the client, so they are never used).
 *
 * <p>Rate limits count by {@link #rateLimitKey}: an IPv4 client by its address, an IPv6 client by its /64 prefix —
 * a single subscriber or host usually holds a whole /64 and can pick new addresses inside it at will (privacy
 * addresses), so counting single IPv6 addresses would let it sidestep every per-address limit.
 */
public final class ClientAddress {
    private record Cidr(byte[] network, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (b[i] != network[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (b[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Cidr> trusted;

    private ClientAddress(List<Cidr> trusted) { this.trusted = trusted; }

    public static final ClientAddress PEER_ONLY = new ClientAddress(List.of());

    /** Parses {@code 10.0.0.0/8, 127.0.0.1, ::1}; throws IllegalArgumentException naming the bad entry. */
    public static ClientAddress trusting(List<String> entries) {
        List<Cidr> list = new ArrayList<>();
        for (String e : entries) {
            String[] parts = e.split("/", 2);
            if (!parts[0].matches("[0-9A-Fa-f:.]+")) throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR");
            try {
                byte[] addr = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : addr.length * 8;
                if (bits < 0 || bits > addr.length * 8) throw new IllegalArgumentException("'" + e + "' has a bad prefix length");
                list.add(new Cidr(addr, bits));
            } catch (UnknownHostException | NumberFormatException ex) {
                throw new IllegalArgumentException("'" + e + "' is not an IP address or CIDR");
            }
        }
        return new ClientAddress(List.copyOf(list));
    }

    boolean isTrusted(InetAddress a) {
        for (Cidr c : trusted) if (c.contains(a)) return true;
        return false;
    }

    /** The client's address for a request from {@code peer} carrying {@code forwardedFor} (may be null). */
    public String resolve(InetAddress peer, String forwardedFor) {
        InetAddress a = resolveAddress(peer, forwardedFor);
        return a == null ? null : a.getHostAddress();
    }

    /**
     * The key rate limits count this client by: the address for IPv4, the /64 prefix for IPv6 (e.g.
     * {@code 2001:db8:1:2::/64}); null without a peer.
     */
    public String rateLimitKey(InetAddress peer, String forwardedFor) {
        InetAddress a = resolveAddress(peer, forwardedFor);
        return a == null ? null : rateLimitKey(a);
    }

    /** See {@link #rateLimitKey(InetAddress, String)}; an IPv4-mapped IPv6 address counts as its IPv4 address. */
    public static String rateLimitKey(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) return a.getHostAddress();
        boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
        for (int i = 0; i < 10 && mapped; i++) mapped = b[i] == 0;
        if (mapped) return (b[12] & 0xFF) + "." + (b[13] & 0xFF) + "." + (b[14] & 0xFF) + "." + (b[15] & 0xFF);
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) sb.append(Integer.toHexString((b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF))).append(':');
        return sb.append(":/64").toString();
    }

    private InetAddress resolveAddress(InetAddress peer, String forwardedFor) {
        if (peer == null) return null;
        if (trusted.isEmpty() || !isTrusted(peer) || forwardedFor == null || forwardedFor.isBlank()) return peer;
        String[] hops = forwardedFor.split(",");
        InetAddress candidate = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            InetAddress a = parseLiteral(hop);
            if (a == null) return candidate;          // garbage: stop at the last address we could trust
            candidate = a;
            if (!isTrusted(a)) return candidate;
        }
        return candidate;
    }

    /** An IP literal only (never a DNS lookup). */
    private static InetAddress parseLiteral(String s) {
        if (s.isEmpty() || !s.matches("[0-9A-Fa-f:.]+")) return null;
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
