package dev.qring.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
    static InetAddress ip(String s) throws Exception { return InetAddress.getByName(s); }

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() throws Exception {
        assertThat(ClientAddress.PEER_ONLY.resolve(ip("203.0.113.7"), "1.2.3.4")).isEqualTo("203.0.113.7");
    }

    @Test
    void aTrustedProxysForwardedForIsBelievedFromTheRight() throws Exception {
        ClientAddress c = ClientAddress.trusting(List.of("10.0.0.0/8", "127.0.0.1", "::1"));
        // the visitor forged "6.6.6.6"; the proxy appended the real peer 198.51.100.9
        assertThat(c.resolve(ip("10.1.2.3"), "6.6.6.6, 198.51.100.9")).isEqualTo("198.51.100.9");
        // two proxies in a row
        assertThat(c.resolve(ip("127.0.0.1"), "198.51.100.9, 10.9.9.9")).isEqualTo("198.51.100.9");
        // no header: the proxy itself
        assertThat(c.resolve(ip("10.1.2.3"), null)).isEqualTo("10.1.2.3");
        // garbage in the header stops the walk at the last trusted address
        assertThat(c.resolve(ip("10.1.2.3"), "evil.example, not an ip")).isEqualTo("10.1.2.3");
        // an untrusted peer's header is ignored
        assertThat(c.resolve(ip("203.0.113.7"), "1.2.3.4")).isEqualTo("203.0.113.7");
        assertThat(c.resolve(ip("::1"), "2001:db8::5")).isEqualTo("2001:db8:0:0:0:0:0:5");
    }

    @Test
    void ipv6ClientsCountByTheirSlash64ForRateLimits() throws Exception {
        ClientAddress c = ClientAddress.PEER_ONLY;
        // rotating addresses inside one /64 is one client...
        assertThat(c.rateLimitKey(ip("2001:db8:1:2::5"), null)).isEqualTo("2001:db8:1:2::/64");
        assertThat(c.rateLimitKey(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), null)).isEqualTo("2001:db8:1:2::/64");
        assertThat(c.rateLimitKey(ip("2001:0db8:0001:0002:ffff::1"), null)).isEqualTo("2001:db8:1:2::/64");
        // ...another /64 is another
        assertThat(c.rateLimitKey(ip("2001:db8:1:3::5"), null)).isEqualTo("2001:db8:1:3::/64");
        assertThat(c.rateLimitKey(ip("::1"), null)).isEqualTo("0:0:0:0::/64");
        // IPv4 is counted per address, also when it arrives IPv4-mapped on a dual-stack socket
        assertThat(c.rateLimitKey(ip("203.0.113.7"), null)).isEqualTo("203.0.113.7");
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 203, 0, 113, 7};
        assertThat(ClientAddress.rateLimitKey(Inet6Address.getByAddress(null, mapped, -1))).isEqualTo("203.0.113.7");
        // the address behind a trusted proxy counts the same way
        ClientAddress proxied = ClientAddress.trusting(List.of("10.0.0.0/8"));
        assertThat(proxied.rateLimitKey(ip("10.0.0.1"), "2001:db8:9:9:1::1")).isEqualTo("2001:db8:9:9::/64");
        assertThat(proxied.rateLimitKey(ip("10.0.0.1"), "198.51.100.9")).isEqualTo("198.51.100.9");
        assertThat(c.rateLimitKey(null, null)).isNull();
    }

    @Test
    void badEntriesAreRefused() {
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("proxy.example.com"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }
}
