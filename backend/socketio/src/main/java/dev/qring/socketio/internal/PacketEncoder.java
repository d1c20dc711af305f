package dev.qring.socketio.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes outgoing Socket.IO packets straight into a pooled buffer holding the whole Engine.IO text packet
 * ("4" + Socket.IO packet), ready to be written as a websocket frame or appended to a polling payload.
 * Binary values become placeholders + attachments (BINARY_EVENT / BINARY_ACK).
 */
public final class PacketEncoder {

    /** An encoded packet: the text (one reference, owned by the receiver) and its attachments (or null). */
    public record Encoded(ByteBuf text, List<byte[]> attachments) { }

    private final ObjectMapper mapper;

    public PacketEncoder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public ObjectMapper mapper() { return mapper; }

    /** EVENT (with {@code event} first) or ACK (event null) with the given arguments. */
    public Encoded encodeArgs(int type, String nsp, long ackId, String event, Object[] args) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(128);
        try {
            buf.writeByte('4').writeByte('0' + type);
            writeNspAndId(buf, nsp, ackId);
            BinaryCapturingGenerator gen;
            try (JsonGenerator raw = mapper.getFactory().createGenerator((java.io.OutputStream) new ByteBufOutputStream(buf), JsonEncoding.UTF8)) {
                gen = new BinaryCapturingGenerator(raw);
                gen.setCodec(mapper);
                // one serializer-provider pass for the whole array (not one per argument)
                int n = args == null ? 0 : args.length;
                Object[] all = new Object[n + (event != null ? 1 : 0)];
                int k = 0;
                if (event != null) all[k++] = event;
                if (n > 0) System.arraycopy(args, 0, all, k, n);
                mapper.writeValue(gen, all);
            }
            List<byte[]> att = gen.attachments();
            if (att == null) return new Encoded(buf, null);
            // binary: insert the attachment count after the type, and switch EVENT->BINARY_EVENT, ACK->BINARY_ACK
            String count = Integer.toString(att.size());
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer(buf.readableBytes() + count.length() + 1);
            out.writeByte('4').writeByte(type == Packet.EVENT ? '5' : '6');
            out.writeCharSequence(count, StandardCharsets.US_ASCII);
            out.writeByte('-');
            out.writeBytes(buf, buf.readerIndex() + 2, buf.readableBytes() - 2);
            buf.release();
            return new Encoded(out, att);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw new IllegalArgumentException("cannot serialize event arguments: " + e.getMessage(), e);
        }
    }

    /** A packet with an optional JSON object payload: CONNECT, CONNECT_ERROR, DISCONNECT. */
    public ByteBuf encodeSimple(int type, String nsp, Object payload) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(64);
        try {
            buf.writeByte('4').writeByte('0' + type);
            writeNspAndId(buf, nsp, -1);
            if (payload != null) mapper.writeValue((java.io.OutputStream) new ByteBufOutputStream(buf), payload);
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw new IllegalArgumentException("cannot serialize packet payload: " + e.getMessage(), e);
        }
    }

    private static void writeNspAndId(ByteBuf buf, String nsp, long ackId) {
        if (!"/".equals(nsp)) {
            buf.writeCharSequence(nsp, StandardCharsets.UTF_8);
            buf.writeByte(',');
        }
        if (ackId >= 0) buf.writeCharSequence(Long.toString(ackId), StandardCharsets.US_ASCII);
    }
}
