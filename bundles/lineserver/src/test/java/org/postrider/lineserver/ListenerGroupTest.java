package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

class ListenerGroupTest {
    @TempDir
    Path dir;

    private final AtomicInteger registered = new AtomicInteger();

    /** Registers and unregisters services by counting them. */
    private BundleContext context() {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> {
                    if (m.getName().equals("unregister")) {
                        registered.decrementAndGet();
                    }
                    return null;
                });
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                    if (m.getName().equals("registerService")) {
                        registered.incrementAndGet();
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    private static final SessionHandler IDLE = new SessionHandler() {
        @Override
        public void serve(Connection c) {
        }

        @Override
        public String refusal(String reason) {
            return reason;
        }
    };

    /** Whether the port can be bound again within the time (a stopped listener closes its socket on its own thread). */
    private static boolean bindsWithin(int port, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress("127.0.0.1", port));
                return true;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void portsTurnedOffAreSkippedAndAPortThatCannotBeBoundStopsTheOthers() throws Exception {
        ListenerConfig common = ListenerConfig.from("TEST", ListenerConfigTest.configured(
                Map.of("tls_certificate", "", "tls_key", "", "bind", "127.0.0.1"), ListenerConfigTest.Config.class));
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int free;
            try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                free = probe.getLocalPort();
            }
            ListenerGroup group = new ListenerGroup(context(), common, dir, "localhost");
            assertThrows(IOException.class, () -> group.open(new ListenerGroup.Port("a", free, TlsMode.NONE, IDLE),
                    new ListenerGroup.Port("off", -1, TlsMode.NONE, IDLE),
                    new ListenerGroup.Port("b", taken.getLocalPort(), TlsMode.NONE, IDLE)));
            assertEquals(0, registered.get(), "the listener already started is unregistered");
            assertEquals(0, group.servers().size());
            assertTrue(bindsWithin(free, 5_000), "the port of the listener stopped is released");
        }
    }
}
