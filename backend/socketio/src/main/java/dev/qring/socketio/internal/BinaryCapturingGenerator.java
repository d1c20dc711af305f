package dev.qring.socketio.internal;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes binary values (byte[], ByteBuffer, BinaryNode: Jackson serializes all of them through writeBinary) as
 * Socket.IO placeholders {@code {"_placeholder":true,"num":n}} and collects the bytes as attachments, in the order
 * they appear (depth-first), as socket.io-parser does.
 */
final class BinaryCapturingGenerator extends JsonGeneratorDelegate {
    private List<byte[]> attachments;

    BinaryCapturingGenerator(JsonGenerator d) {
        super(d, false);
    }

    /** The captured attachments, or null when there were none. */
    List<byte[]> attachments() { return attachments; }

    private void placeholder(byte[] data) throws IOException {
        if (attachments == null) attachments = new ArrayList<>(2);
        int num = attachments.size();
        attachments.add(data);
        delegate.writeStartObject();
        delegate.writeFieldName("_placeholder");
        delegate.writeBoolean(true);
        delegate.writeFieldName("num");
        delegate.writeNumber(num);
        delegate.writeEndObject();
    }

    @Override
    public void writeBinary(Base64Variant v, byte[] data, int offset, int len) throws IOException {
        placeholder(Arrays.copyOfRange(data, offset, offset + len));
    }

    @Override
    public void writeBinary(byte[] data, int offset, int len) throws IOException {
        placeholder(Arrays.copyOfRange(data, offset, offset + len));
    }

    @Override
    public void writeBinary(byte[] data) throws IOException {
        placeholder(data.clone());
    }

    @Override
    public int writeBinary(Base64Variant v, InputStream data, int dataLength) throws IOException {
        byte[] b = dataLength >= 0 ? data.readNBytes(dataLength) : data.readAllBytes();
        placeholder(b);
        return b.length;
    }

    @Override
    public int writeBinary(InputStream data, int dataLength) throws IOException {
        return writeBinary(null, data, dataLength);
    }
}
