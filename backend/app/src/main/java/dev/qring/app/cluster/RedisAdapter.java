package dev.qring.app.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qring.socketio.BroadcastOptions;
import dev.qring.socketio.BroadcastPacket;
import dev.qring.socketio.InMemoryAdapter;
import dev.qring.socketio.Namespace;
import dev.qring.socketio.Socket;
import java.util.HashSet;
import java.util.Set;

/**
 * Cluster fan-out over Redis pub/sub (QRING_REDIS_URL). Room membership stays local (each instance knows its own
 * sockets); every non-local broadcast is delivered locally, exactly as {@link InMemoryAdapter} does, and published
 * to the namespace's channel; the other instances deliver it to THEIR local members of the same rooms.
 *
 * <p>Guarantees: those of {@link InMemoryAdapter} for local sockets. For sockets on other instances: at-most-once
 * (a Redis outage drops broadcasts, counted by {@link RedisBus#dropped()}); broadcasts made by one thread arrive in
 * order (one publisher connection, FIFO). Arguments travel as JSON (binary attachments are not carried across
 * instances; QRing's events are JSON only).
 */
public final class RedisAdapter extends InMemoryAdapter {
    private final RedisBus bus;
    private final ObjectMapper json;

    public RedisAdapter(Namespace namespace, RedisBus bus, ObjectMapper json) {
        super(namespace);
        this.bus = bus;
        this.json = json;
        bus.subscribe(namespace.name(), this::onRemote);
    }

    @Override
    public void broadcast(BroadcastPacket packet, BroadcastOptions options) {
        super.broadcast(packet, options);
        if (options.local()) return;
        ObjectNode msg = json.createObjectNode();
        msg.put("node", bus.nodeId());
        msg.put("event", packet.event());
        msg.set("args", json.valueToTree(packet.args()));
        ArrayNode rooms = msg.putArray("rooms");
        options.rooms().forEach(rooms::add);
        ArrayNode except = msg.putArray("except");
        options.except().forEach(except::add);
        bus.publish(namespace().name(), msg.toString());
    }

    private void onRemote(String message) {
        JsonNode msg;
        try {
            msg = json.readTree(message);
        } catch (Exception e) {
            return;
        }
        if (bus.nodeId().equals(msg.path("node").asText())) return;   // our own, already delivered locally
        Set<String> rooms = new HashSet<>();
        msg.path("rooms").forEach(r -> rooms.add(r.asText()));
        Set<String> except = new HashSet<>();
        msg.path("except").forEach(r -> except.add(r.asText()));
        String event = msg.path("event").asText();
        JsonNode args = msg.path("args");
        Object[] a = new Object[args.size()];
        for (int i = 0; i < a.length; i++) a[i] = args.get(i);
        for (Socket s : sockets(new BroadcastOptions(rooms, except, true))) s.emit(event, a);
    }
}
