package dev.qring.engineio;

/**
 * Netty 4.2 turns off its sun.misc.Unsafe fast paths on Java 25+ by default ({@code io.netty.noUnsafe=true}), which
 * made our message path about 1.5x more expensive in the benchmark. Unless the operator chose explicitly, we turn them
 * back on. This must run before Netty's PlatformDependent is first loaded, so the server classes call it from their
 * static initializers. Start the JVM with {@code --sun-misc-unsafe-memory-access=allow} to silence the JDK warning;
 * set {@code -Dio.netty.noUnsafe=true} to keep Netty's default.
 */
final class NettyTuning {
    private NettyTuning() { }

    static void apply() {
        if (System.getProperty("io.netty.noUnsafe") == null) System.setProperty("io.netty.noUnsafe", "false");
    }
}
