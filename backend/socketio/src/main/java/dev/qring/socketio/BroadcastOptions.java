package dev.qring.socketio;

import java.util.Set;

/**
 * Who receives a broadcast.
 *
 * @param rooms  members of any of these rooms; every socket of the namespace when empty
 * @param except minus members of any of these rooms (a socket id is a room holding that socket)
 * @param local  only sockets of this server instance (no cluster fan-out)
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, boolean local) {
    public BroadcastOptions {
        rooms = Set.copyOf(rooms);
        except = Set.copyOf(except);
    }

    public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), false);
}
