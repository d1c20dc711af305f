package dev.qring.engineio;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One decoded Engine.IO v4 packet: a text packet ({@code type} '0'..'6', {@code data} after the type character)
 * or a binary message ({@code type} 'b', {@code binary} set).
 */
public record EnginePacket(char type, String data, byte[] binary) {
    public static final char OPEN = '0', CLOSE = '1', PING = '2', PONG = '3', MESSAGE = '4', UPGRADE = '5', NOOP = '6', BINARY = 'b';

    /** Packets joined with the record separator in a polling payload. */
    public static final byte SEPARATOR = 0x1e;

    /** Decodes a text packet as carried by one websocket text frame (or one polling payload segment). */
    public static EnginePacket decodeText(String text) throws ProtocolException {
        if (text.isEmpty()) throw new ProtocolException("empty packet");
        char t = text.charAt(0);
        if (t < OPEN || t > NOOP) throw new ProtocolException("unknown packet type");
        return new EnginePacket(t, text.substring(1), null);
    }

    /**
     * Decodes an HTTP long-polling payload: packets separated by 0x1e, binary ones as 'b' + base64.
     * Reads {@code body} without consuming or releasing it.
     */
    public static List<EnginePacket> decodePayload(ByteBuf body) throws ProtocolException {
        int end = body.writerIndex();
        int start = body.readerIndex();
        if (start == end) throw new ProtocolException("empty payload");
        List<EnginePacket> out = new ArrayList<>(2);
        while (true) {
            int sep = body.indexOf(start, end, SEPARATOR);
            int segEnd = sep < 0 ? end : sep;
            if (segEnd == start) throw new ProtocolException("empty packet in payload");
            if (body.getByte(start) == BINARY) {
                byte[] b64 = ByteBufUtil.getBytes(body, start + 1, segEnd - start - 1);
                try {
                    out.add(new EnginePacket(BINARY, null, Base64.getDecoder().decode(b64)));
                } catch (IllegalArgumentException e) {
                    throw new ProtocolException("invalid base64 in binary packet");
                }
            } else {
                out.add(decodeText(body.toString(start, segEnd - start, StandardCharsets.UTF_8)));
            }
            if (sep < 0) return out;
            start = sep + 1;
        }
    }
}
