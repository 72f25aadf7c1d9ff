package org.postrider.lineserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.osgi.framework.BundleContext;

/**
 * Loaded by {@link LineserverRevisionsTest}'s class loader of one lineserver revision (its
 * classes and static state of its own, as a refresh makes): drives that revision's bundle
 * start and stop, and protocol listeners on it, through JDK types only.
 */
public final class RevisionDriver implements LineserverRevisionsTest.Revision {
    private final LineserverActivator activator = new LineserverActivator();

    @Override
    public void start() {
        activator.start(null); // the activator uses no context
    }

    @Override
    public void stop() {
        activator.stop(null);
    }

    @Override
    public void keeperIn(Object context) {
        SharedSockets.keeperIn((BundleContext) context);
    }

    @Override
    public AutoCloseable listen(String name, int port, String greeting) throws IOException {
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
        return s::stop;
    }
}
