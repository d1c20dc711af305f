package dev.qring.socketio;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-server adapter: rooms live in memory of this process. Guarantees are those listed on {@link Adapter}.
 * Membership maps are concurrent; a broadcast iterates them without locking.
 */
public class InMemoryAdapter implements Adapter {
    private final Namespace namespace;
    private final ConcurrentHashMap<String, Set<Socket>> rooms = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Socket, Set<String>> socketRooms = new ConcurrentHashMap<>();

    public InMemoryAdapter(Namespace namespace) {
        this.namespace = namespace;
    }

    public Namespace namespace() { return namespace; }

    @Override
    public void addAll(Socket socket, Set<String> roomNames) {
        Set<String> mine = socketRooms.computeIfAbsent(socket, s -> ConcurrentHashMap.newKeySet(2));
        for (String room : roomNames) {
            mine.add(room);
            rooms.compute(room, (k, set) -> {
                if (set == null) set = ConcurrentHashMap.newKeySet(2);
                set.add(socket);
                return set;
            });
        }
        if (!socket.connected()) delAll(socket); // lost a race with the disconnect: undo
    }

    @Override
    public void del(Socket socket, String room) {
        Set<String> mine = socketRooms.get(socket);
        if (mine != null) mine.remove(room);
        removeFromRoom(socket, room);
    }

    private void removeFromRoom(Socket socket, String room) {
        rooms.computeIfPresent(room, (k, set) -> {
            set.remove(socket);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public void delAll(Socket socket) {
        Set<String> mine = socketRooms.remove(socket);
        if (mine == null) return;
        for (String room : mine) removeFromRoom(socket, room);
    }

    @Override
    public Set<String> socketRooms(Socket socket) {
        Set<String> mine = socketRooms.get(socket);
        return mine == null ? Set.of() : Set.copyOf(mine);
    }

    @Override
    public Set<Socket> sockets(BroadcastOptions options) {
        Set<Socket> out = new HashSet<>();
        forEachTarget(options, out::add);
        return out;
    }

    @Override
    public void broadcast(BroadcastPacket packet, BroadcastOptions options) {
        forEachTarget(options, packet::deliverTo);
    }

    private void forEachTarget(BroadcastOptions options, java.util.function.Consumer<Socket> action) {
        // Exclusion sets are checked in place (no copy): the common case is one except room, the sender's own id.
        Set<Socket>[] excluded = null;
        if (!options.except().isEmpty()) {
            @SuppressWarnings("unchecked") Set<Socket>[] sets = new Set[options.except().size()];
            int n = 0;
            for (String room : options.except()) {
                Set<Socket> members = rooms.get(room);
                if (members != null) sets[n++] = members;
            }
            if (n > 0) excluded = n == sets.length ? sets : java.util.Arrays.copyOf(sets, n);
        }
        if (options.rooms().isEmpty()) {
            for (Socket s : socketRooms.keySet()) if (!isExcluded(excluded, s)) action.accept(s);
        } else if (options.rooms().size() == 1) {
            Set<Socket> members = rooms.get(options.rooms().iterator().next());
            if (members != null) for (Socket s : members) if (!isExcluded(excluded, s)) action.accept(s);
        } else {
            Set<Socket> seen = new HashSet<>();
            for (String room : options.rooms()) {
                Set<Socket> members = rooms.get(room);
                if (members == null) continue;
                for (Socket s : members) if (!isExcluded(excluded, s) && seen.add(s)) action.accept(s);
            }
        }
    }

    private static boolean isExcluded(Set<Socket>[] excluded, Socket s) {
        if (excluded == null) return false;
        for (Set<Socket> set : excluded) if (set.contains(s)) return true;
        return false;
    }
}
