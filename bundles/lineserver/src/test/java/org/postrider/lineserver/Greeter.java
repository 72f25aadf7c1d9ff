package org.postrider.lineserver;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Listeners for the hand-over tests: each greets a client with one line and ends the
 * session. Loaded by whichever class loader loads its caller, so a revision's
 * {@link RevisionDriver} gets its own revision's listeners from it.
 */
final class Greeter {
    private Greeter() {
    }

    /** A started listener on 127.0.0.1:{@code port} (0: any free port) that says {@code greeting}. */
    static LineServer start(String name, int port, String greeting) throws IOException {
        SessionHandler h = new SessionHandler() {
            @Override
            public void serve(Connection c) throws IOException {
                c.reply(greeting);
                c.flush();
            }

            @Override
            public String refusal(String reason) {
                return "BUSY " + reason;
            }
        };
        LineServer s = new LineServer(new ListenerSettings(name, "TEST", new InetSocketAddress("127.0.0.1", port),
                TlsMode.NONE, 1000, 1000, 10, 100, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofMillis(10)), h, null);
        s.start();
        return s;
    }

    /** Whether a connection to the port is refused (nobody listens) within {@code d}. */
    static boolean refusedWithin(int port, Duration d) throws Exception {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                Thread.sleep(20);
            } catch (ConnectException refused) {
                return true;
            }
        }
        return false;
    }
}
