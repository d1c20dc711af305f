package dev.qring.socketio.internal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A decoded Socket.IO v5 packet.
 *
 * @param type        0 CONNECT .. 6 BINARY_ACK
 * @param nsp         namespace ("/" when absent)
 * @param ackId       acknowledgement id, or -1
 * @param data        JSON payload (null when absent); binary attachments appear as BinaryNode once reconstructed
 * @param attachments number of binary attachments still to come (BINARY_EVENT / BINARY_ACK)
 */
public record Packet(int type, String nsp, long ackId, JsonNode data, int attachments) {
    public static final int CONNECT = 0, DISCONNECT = 1, EVENT = 2, ACK = 3, CONNECT_ERROR = 4, BINARY_EVENT = 5, BINARY_ACK = 6;
}
