package dev.qring.socketio.internal;

import dev.qring.socketio.BroadcastOperator;
import dev.qring.socketio.BroadcastOptions;
import java.util.HashSet;
import java.util.Set;

final class BroadcastOperatorImpl implements BroadcastOperator {
    private final NamespaceImpl ns;
    private final Set<String> rooms;
    private final Set<String> except;
    private final boolean local;

    BroadcastOperatorImpl(NamespaceImpl ns, Set<String> rooms, Set<String> except, boolean local) {
        this.ns = ns;
        this.rooms = rooms;
        this.except = except;
        this.local = local;
    }

    private static Set<String> plus(Set<String> s, String v) {
        Set<String> n = new HashSet<>(s);
        n.add(v);
        return Set.copyOf(n);
    }

    @Override public BroadcastOperator to(String room) { return new BroadcastOperatorImpl(ns, plus(rooms, room), except, local); }
    @Override public BroadcastOperator except(String room) { return new BroadcastOperatorImpl(ns, rooms, plus(except, room), local); }
    @Override public BroadcastOperator local() { return new BroadcastOperatorImpl(ns, rooms, except, true); }

    @Override
    public void emit(String event, Object... args) {
        ns.broadcast(event, args, new BroadcastOptions(rooms, except, local));
    }
}
