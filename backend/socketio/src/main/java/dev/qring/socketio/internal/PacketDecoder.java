package dev.qring.socketio.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qring.engineio.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes Socket.IO v5 packets (the text of an Engine.IO MESSAGE), following socket.io-parser:
 * {@code <type>[<attachments>-][<nsp>,][<ackId>][<json>]}. Anything malformed throws {@link ProtocolException};
 * no other exception escapes.
 */
public final class PacketDecoder {
    /** More attachments than this in one packet is treated as abuse. */
    public static final int MAX_ATTACHMENTS = 1000;
    private static final int MAX_NESTING = 64;
    private static final Set<String> RESERVED_EVENTS =
            Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private PacketDecoder() { }

    public static Packet decode(String str) throws ProtocolException {
        byte[] b = str.getBytes(StandardCharsets.UTF_8);
        return decode(b, 0, b.length);
    }

    /** Decodes a packet from UTF-8 bytes {@code [offset, offset + length)} of {@code buf} (not kept). */
    public static Packet decode(byte[] buf, int offset, int length) throws ProtocolException {
        if (offset < 0 || length < 0 || offset + length > buf.length) throw new ProtocolException("bad bounds");
        int len = offset + length;
        if (length == 0) throw new ProtocolException("empty packet");
        int type = buf[offset] - '0';
        if (type < 0 || type > 6) throw new ProtocolException("unknown packet type");
        int i = offset + 1;
        int attachments = 0;
        if (type == Packet.BINARY_EVENT || type == Packet.BINARY_ACK) {
            int start = i;
            while (i < len && buf[i] != '-') {
                if (!isDigit(buf[i])) throw new ProtocolException("illegal attachments");
                i++;
            }
            if (i == len || i == start || i - start > 4) throw new ProtocolException("illegal attachments");
            attachments = (int) parseDigits(buf, start, i);
            if (attachments > MAX_ATTACHMENTS) throw new ProtocolException("too many attachments");
            i++; // '-'
        }
        String nsp = "/";
        if (i < len && buf[i] == '/') {
            int start = i;
            while (i < len && buf[i] != ',') i++;
            nsp = new String(buf, start, i - start, StandardCharsets.UTF_8);
            if (i < len) i++; // ','
        }
        long ackId = -1;
        if (i < len && isDigit(buf[i])) {
            int start = i;
            while (i < len && isDigit(buf[i])) i++;
            if (i - start > 15) throw new ProtocolException("ack id too large");
            ackId = parseDigits(buf, start, i);
        }
        JsonNode data = null;
        if (i < len) {
            try {
                data = STRICT.readTree(buf, i, len - i);
            } catch (java.io.IOException | RuntimeException e) {
                throw new ProtocolException("invalid payload");
            }
            if (data == null || data.isMissingNode()) throw new ProtocolException("invalid payload");
        }
        if (!payloadValid(type, data)) throw new ProtocolException("invalid payload");
        if ((type == Packet.ACK || type == Packet.BINARY_ACK) && ackId < 0) throw new ProtocolException("ack without id");
        return new Packet(type, nsp, ackId, data, attachments);
    }

    private static long parseDigits(byte[] buf, int from, int to) {
        long v = 0;
        for (int k = from; k < to; k++) v = v * 10 + (buf[k] - '0');
        return v;
    }

    private static boolean isDigit(byte c) { return c >= '0' && c <= '9'; }

    private static boolean payloadValid(int type, JsonNode data) {
        return switch (type) {
            case Packet.CONNECT -> data == null || data.isObject();
            case Packet.DISCONNECT -> data == null;
            case Packet.CONNECT_ERROR -> data != null && (data.isTextual() || data.isObject());
            case Packet.EVENT, Packet.BINARY_EVENT -> data instanceof ArrayNode a && !a.isEmpty()
                    && (a.get(0).isNumber() || (a.get(0).isTextual() && !RESERVED_EVENTS.contains(a.get(0).textValue())));
            case Packet.ACK, Packet.BINARY_ACK -> data != null && data.isArray();
            default -> false;
        };
    }


    /**
     * Replaces every {@code {"_placeholder":true,"num":n}} with the n-th attachment. Every attachment index must be
     * valid; returns the packet with no attachments left.
     */
    public static Packet reconstruct(Packet p, List<byte[]> buffers) throws ProtocolException {
        if (buffers.size() != p.attachments()) throw new ProtocolException("attachment count mismatch");
        JsonNode data = replace(p.data(), buffers, 0);
        return new Packet(p.type(), p.nsp(), p.ackId(), data, 0);
    }

    private static JsonNode replace(JsonNode node, List<byte[]> buffers, int depth) throws ProtocolException {
        if (depth > MAX_NESTING) throw new ProtocolException("too deep");
        if (node instanceof ArrayNode a) {
            for (int k = 0; k < a.size(); k++) a.set(k, replace(a.get(k), buffers, depth + 1));
            return a;
        }
        if (node instanceof ObjectNode o) {
            JsonNode ph = o.get("_placeholder");
            if (ph != null && ph.isBoolean() && ph.booleanValue()) {
                JsonNode num = o.get("num");
                if (num == null || !num.isInt() || num.intValue() < 0 || num.intValue() >= buffers.size()) {
                    throw new ProtocolException("illegal attachments");
                }
                return BinaryNode.valueOf(buffers.get(num.intValue()));
            }
            for (Map.Entry<String, JsonNode> e : o.properties()) e.setValue(replace(e.getValue(), buffers, depth + 1));
            return o;
        }
        return node;
    }
}
