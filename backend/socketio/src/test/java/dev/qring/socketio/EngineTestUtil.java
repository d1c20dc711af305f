package dev.qring.socketio;

final class EngineTestUtil {
    private EngineTestUtil() { }

    static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { throw new AssertionError(e); }
    }

    /** Retries an assertion for up to 5 s (server state changes on its event loops). */
    static void eventually(Runnable assertion) {
        eventually(java.time.Duration.ofSeconds(5), assertion);
    }

    static void eventually(java.time.Duration timeout, Runnable assertion) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) throw e;
                sleep(20);
            }
        }
    }
}
