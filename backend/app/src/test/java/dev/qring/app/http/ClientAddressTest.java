package dev.qring.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void badEntriesAreRefused() {
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("proxy.example.com"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.trusting(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }
}
