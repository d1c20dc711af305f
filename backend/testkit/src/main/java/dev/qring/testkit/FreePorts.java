package dev.qring.testkit;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports that are free for both TCP and UDP at the time of the call. */
public final class FreePorts {
    private FreePorts() { }

    public static int tcpAndUdp() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = s.getLocalPort();
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (IOException busy) {
                    // UDP side taken: try another
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no free loopback port");
    }

    /** A block of {@code count} consecutive free UDP ports (for coturn relay ranges). */
    public static int udpRange(int count) {
        outer:
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + (int) (Math.random() * 30000);
            for (int p = base; p < base + count; p++) {
                try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p))) {
                    // free
                } catch (IOException busy) {
                    continue outer;
                }
            }
            return base;
        }
        throw new IllegalStateException("no free UDP range of " + count);
    }
}
