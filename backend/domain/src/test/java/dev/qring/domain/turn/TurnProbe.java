package dev.qring.domain.turn;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.util.Arrays;

/**
 * A deliberately small TURN client (RFC 8656 / RFC 5389 long-term credentials) for tests: Allocate, Refresh and
 * CreatePermission over UDP, TCP or TLS, reporting the success or the exact STUN error code.
 *
 * <p>Why not only turnutils_uclient: its TLS mode picks a TLS version at random per connection and hangs when coturn
 * (correctly, {@code no-tlsv1}/{@code no-tlsv1_1}) ignores a TLS 1.0/1.1 hello, so over TLS it is not a reliable
 * pass/fail signal (test-lab.md). This client uses the JDK's TLS (1.2+ only) and trusts exactly the test
 * certificate.
 */
final class TurnProbe implements AutoCloseable {
    enum Transport { UDP, TCP, TLS }

    /** Outcome of one TURN request: 0 = success, else the STUN error code (401, 403, 438, ...). */
    record Response(int code, String reason, InetSocketAddress relayed, String tlsProtocol) {
        boolean ok() { return code == 0; }
    }

    private static final int MAGIC = 0x2112A442;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Transport transport;
    private final DatagramSocket udp;
    private final Socket stream;
    private final InetSocketAddress server;
    private final String username;
    private final String password;
    private String realm;
    private String nonce;

    private TurnProbe(Transport transport, InetSocketAddress server, String username, String password, Path trustedCert) throws Exception {
        this.transport = transport;
        this.server = server;
        this.username = username;
        this.password = password;
        if (transport == Transport.UDP) {
            udp = new DatagramSocket();
            udp.setSoTimeout(3000);
            stream = null;
        } else {
            udp = null;
            Socket s;
            if (transport == Transport.TLS) {
                SSLSocket ssl = (SSLSocket) tlsContext(trustedCert).getSocketFactory().createSocket();
                ssl.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                s = ssl;
            } else {
                s = new Socket();
            }
            s.connect(server, 3000);
            s.setSoTimeout(3000);
            if (s instanceof SSLSocket ssl) ssl.startHandshake();
            stream = s;
        }
    }

    static TurnProbe connect(Transport transport, String host, int port, String username, String password, Path trustedCert) throws Exception {
        return new TurnProbe(transport, new InetSocketAddress(host, port), username, password, trustedCert);
    }

    String tlsProtocol() {
        return stream instanceof SSLSocket ssl ? ssl.getSession().getProtocol() : null;
    }

    /** Allocate an IPv4 UDP relay (the first, unauthenticated attempt collects realm and nonce, as browsers do). */
    Response allocate() throws IOException {
        return allocate(false);
    }

    /** Allocate a UDP relay; {@code ipv6} asks for an IPv6 relay address (REQUESTED-ADDRESS-FAMILY, RFC 6156). */
    Response allocate(boolean ipv6) throws IOException {
        byte[] transportAttr = {17, 0, 0, 0}; // REQUESTED-TRANSPORT: UDP
        byte[] family = {(byte) (ipv6 ? 2 : 1), 0, 0, 0};
        Response first = request(0x0003, false, tx -> new byte[][] {attr(0x0019, transportAttr), attr(0x0017, family)});
        if (first.code() != 401 || realm == null) return first;
        return request(0x0003, true, tx -> new byte[][] {attr(0x0019, transportAttr), attr(0x0017, family),
                attr(0x000D, ByteBuffer.allocate(4).putInt(600).array())});
    }

    /** Refresh the allocation (lifetime 600 s), authenticated with the same username. */
    Response refresh() throws IOException {
        return request(0x0004, true, tx -> new byte[][] {attr(0x000D, ByteBuffer.allocate(4).putInt(600).array())});
    }

    /** CreatePermission for a peer address (IPv4 or IPv6): coturn answers 403 for a peer its policy denies. */
    Response createPermission(String peerIp) throws IOException {
        byte[] ip = InetAddress.getByName(peerIp).getAddress();
        if (ip.length == 4 && peerIp.contains(":")) {
            // Java turns an IPv4-mapped IPv6 literal (::ffff:a.b.c.d) into an IPv4 address; keep it IPv6 on the wire.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(ip, 0, mapped, 12, 4);
            ip = mapped;
        }
        byte[] peer = ip;
        return request(0x0008, true, tx -> {
            // XOR-PEER-ADDRESS: port XOR the cookie's top 16 bits; address XOR cookie (IPv4) or cookie + transaction id (IPv6)
            byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC).put(tx).array();
            ByteBuffer v = ByteBuffer.allocate(4 + peer.length);
            v.put((byte) 0).put((byte) (peer.length == 4 ? 1 : 2)).putShort((short) (0 ^ (MAGIC >>> 16)));
            for (int i = 0; i < peer.length; i++) v.put((byte) (peer[i] ^ mask[i]));
            return new byte[][] {attr(0x0012, v.array())};
        });
    }

    private interface Attributes { byte[][] build(byte[] transactionId); }

    private Response request(int method, boolean authenticated, Attributes attrs) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            byte[] txId = new byte[12];
            RANDOM.nextBytes(txId);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (byte[] a : attrs.build(txId)) body.writeBytes(a);
            if (authenticated) {
                body.writeBytes(attr(0x0006, username.getBytes(StandardCharsets.UTF_8)));
                body.writeBytes(attr(0x0014, realm.getBytes(StandardCharsets.UTF_8)));
                body.writeBytes(attr(0x0015, nonce.getBytes(StandardCharsets.UTF_8)));
                // MESSAGE-INTEGRITY covers the header (length including the MI attribute) and every attribute before it.
                byte[] withoutMi = message(method, txId, body.toByteArray(), 24);
                body.writeBytes(attr(0x0008, hmacSha1(longTermKey(), withoutMi)));
            }
            byte[] msg = message(method, txId, body.toByteArray(), 0);
            byte[] answer = exchange(msg);
            Response r = parse(answer);
            // 438 Stale Nonce: retry once with the fresh nonce the error carried, like a browser would.
            if (r.code() == 438 && attempt == 0) continue;
            return r;
        }
        throw new IllegalStateException("unreachable");
    }

    private byte[] longTermKey() {
        try {
            return MessageDigest.getInstance("MD5").digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] message(int method, byte[] txId, byte[] body, int extraLength) {
        ByteBuffer b = ByteBuffer.allocate(20 + body.length);
        b.putShort((short) method).putShort((short) (body.length + extraLength)).putInt(MAGIC).put(txId).put(body);
        return b.array();
    }

    private static byte[] attr(int type, byte[] value) {
        int padded = (value.length + 3) & ~3;
        ByteBuffer b = ByteBuffer.allocate(4 + padded);
        b.putShort((short) type).putShort((short) value.length).put(value);
        return b.array();
    }

    private byte[] exchange(byte[] msg) throws IOException {
        if (udp != null) {
            for (int i = 0; i < 3; i++) {
                udp.send(new DatagramPacket(msg, msg.length, server));
                byte[] buf = new byte[2048];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    udp.receive(p);
                    return Arrays.copyOf(buf, p.getLength());
                } catch (java.net.SocketTimeoutException retransmit) {
                    // UDP: retransmit
                }
            }
            throw new IOException("no answer over UDP from " + server);
        }
        OutputStream out = stream.getOutputStream();
        out.write(msg);
        out.flush();
        DataInputStream in = new DataInputStream(stream.getInputStream());
        byte[] header = new byte[20];
        in.readFully(header);
        int length = ByteBuffer.wrap(header, 2, 2).getShort() & 0xffff;
        byte[] all = Arrays.copyOf(header, 20 + length);
        in.readFully(all, 20, length);
        return all;
    }

    private Response parse(byte[] m) {
        ByteBuffer b = ByteBuffer.wrap(m);
        int type = b.getShort() & 0xffff;
        int length = b.getShort() & 0xffff;
        b.position(20);
        int code = 0;
        String reason = "";
        InetSocketAddress relayed = null;
        while (b.position() < 20 + length) {
            int t = b.getShort() & 0xffff;
            int len = b.getShort() & 0xffff;
            byte[] v = new byte[len];
            b.get(v);
            b.position(b.position() + ((4 - len % 4) % 4));
            switch (t) {
                case 0x0009 -> {
                    code = (v[2] & 0x7) * 100 + (v[3] & 0xff);
                    reason = new String(v, 4, v.length - 4, StandardCharsets.UTF_8).replace("\0", "").strip();
                }
                case 0x0014 -> realm = new String(v, StandardCharsets.UTF_8);
                case 0x0015 -> nonce = new String(v, StandardCharsets.UTF_8);
                case 0x0016 -> {
                    int port = ((v[2] & 0xff) << 8 | (v[3] & 0xff)) ^ (MAGIC >>> 16);
                    byte[] mask = ByteBuffer.allocate(16).putInt(MAGIC).put(m, 8, 12).array();
                    byte[] ip = new byte[v[1] == 2 ? 16 : 4];
                    for (int i = 0; i < ip.length; i++) ip[i] = (byte) (v[4 + i] ^ mask[i]);
                    try {
                        relayed = new InetSocketAddress(InetAddress.getByAddress(ip), port);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                default -> { }
            }
        }
        boolean error = (type & 0x0110) == 0x0110;
        if (error && code == 0) code = -1;
        return new Response(code, reason, relayed, tlsProtocol());
    }

    private static byte[] hmacSha1(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext tlsContext(Path cert) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            ks.setCertificateEntry("turn", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Override
    public void close() throws IOException {
        if (udp != null) udp.close();
        if (stream != null) stream.close();
    }
}
