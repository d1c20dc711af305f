package dev.qring.app;

/** Entry point of the QRing server (placeholder until the HTTP/realtime layers land). */
public final class Main {
    public static void main(String[] args) {
        System.out.println("QRing placeholder");
    }
}
