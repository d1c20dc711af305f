package dev.qring.socketio;

/**
 * Owns room membership and broadcasts for one namespace. All broadcasts, joins/leaves and namespace-wide emits
 * go through it, so a cluster adapter (Redis) or connection-state recovery can be plugged in without touching
 * handlers. The concrete contract (methods and guarantees) is documented on the methods.
 */
public interface Adapter {
}
