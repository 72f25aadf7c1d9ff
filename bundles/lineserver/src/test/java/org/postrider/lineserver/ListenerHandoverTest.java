package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A listener's socket is handed to the next listener of the same name on the same address
 * (SharedSockets): a side-by-side update (the new one started before the old one stops) and
 * an in-place one (stopped, then started within the linger) refuse no connection; a listener
 * that moved to another port releases the old one at once; another listener's address is
 * never shared.
 */
class ListenerHandoverTest {
    private final List<LineServer> servers = new ArrayList<>();

    private LineServer start(String name, int port, String greeting) throws IOException {
        LineServer s = Greeter.start(name, port, greeting);
        servers.add(s);
        return s;
    }

    @AfterEach
    void stopAll() {
        servers.forEach(LineServer::stop);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Connects over and over until stopped; counts each first line (or the failure) seen. */
    private static final class Prober implements AutoCloseable {
        final Map<String, Integer> seen = new ConcurrentHashMap<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread thread;

        Prober(int port) {
            thread = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    String r;
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(10_000);
                        String l = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.US_ASCII)).readLine();
                        r = l == null ? "EOF" : l;
                    } catch (IOException e) {
                        r = e.getClass().getSimpleName();
                    }
                    seen.merge(r, 1, Integer::sum);
                }
            });
        }

        int count(String what) {
            return seen.getOrDefault(what, 0);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(15_000);
        }
    }

    private static void awaitCount(Prober p, String what, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (p.count(what) < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(p.count(what) >= n, "no " + n + " of " + what + " in " + new TreeMap<>(p.seen));
    }

    @Test
    void aSideBySideUpdateRefusesNoConnection() throws Exception {
        int port = freePort();
        LineServer old = start("smtp", port, "OLD");
        Prober p = new Prober(port);
        try (p) {
            awaitCount(p, "OLD", 20);
            start("smtp", port, "NEW"); // the new version, while the old one runs: no BindException
            awaitCount(p, "NEW", 5);
            old.stop();
            int newAfterStop = p.count("NEW");
            awaitCount(p, "NEW", newAfterStop + 50);
        }
        Map<String, Integer> seen = new TreeMap<>(p.seen);
        seen.remove("OLD");
        seen.remove("NEW");
        assertEquals(Map.of(), seen, "every connection greeted by one version or the other");
    }

    @Test
    void anInPlaceUpdateWithinTheLingerRefusesNoConnection() throws Exception {
        int port = freePort();
        LineServer old = start("pop3", port, "OLD");
        Prober p = new Prober(port);
        try (p) {
            awaitCount(p, "OLD", 20);
            old.stop();
            Thread.sleep(500); // the bundle is being updated: clients wait in the backlog meanwhile
            start("pop3", port, "NEW");
            awaitCount(p, "NEW", 50);
        }
        Map<String, Integer> seen = new TreeMap<>(p.seen);
        seen.remove("OLD");
        seen.remove("NEW");
        assertEquals(Map.of(), seen, "no connection refused or cut while no listener ran");
    }

    @Test
    void aListenerThatMovedReleasesItsOldPortAtOnce() throws Exception {
        int oldPort;
        int newPort;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) { // two distinct ports
            oldPort = a.getLocalPort();
            newPort = b.getLocalPort();
        }
        start("imap", oldPort, "OLD").stop();
        start("imap", newPort, "NEW");
        // closed now; the descriptor goes once the old accept loop's virtual thread has run (milliseconds)
        assertTrue(Greeter.refusedWithin(oldPort, Duration.ofSeconds(2)), "the old port is released long before the linger");
    }

    /**
     * A refresh may stop a protocol bundle after the lineserver bundle it uses: its listener's
     * socket must not linger in the stopped lineserver, where no listener comes any more, and
     * keep the port from the new lineserver's listener (which would fail to start for good).
     */
    @Test
    void aListenerThatStopsAfterLineserverStoppedReleasesItsPortAtOnce() throws Exception {
        int port = freePort();
        LineServer s = start("submission", port, "OLD");
        try {
            SharedSockets.closeUnused(); // the lineserver bundle stops first
            s.stop();
            assertTrue(Greeter.refusedWithin(port, Duration.ofSeconds(2)), "the port is released");
            start("submission", port, "NEW"); // the refreshed bundle's listener binds it
        } finally {
            SharedSockets.unretire();
        }
    }

    /** The sockets bundle's keeper, as the lineserver sees it: a service, here in a map. */
    static final class MapKeeper implements org.postrider.sockets.ListeningSockets {
        final Map<String, Kept> kept = new ConcurrentHashMap<>();
        /** The keeper's linger, shortened (null: it keeps until the test ends). */
        private final Duration linger;

        MapKeeper() {
            this(null);
        }

        MapKeeper(Duration linger) {
            this.linger = linger;
        }

        @Override
        public void keep(String key, Kept k, Duration ignored) {
            kept.put(key, k);
            if (linger != null) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(linger);
                        if (kept.remove(key, k)) {
                            k.socket().close();
                        }
                    } catch (InterruptedException | IOException e) {
                        // the test ends
                    }
                });
            }
        }

        @Override
        public Kept take(String key) {
            return kept.remove(key);
        }

        @Override
        public java.util.Set<String> keys() {
            return java.util.Set.copyOf(kept.keySet());
        }

        /** What the keeper bundle does when it stops (here: the test ends). */
        void closeAll() throws IOException {
            for (Kept k : kept.values()) {
                k.socket().close();
            }
            kept.clear();
        }
    }

    /** A bundle context that knows the keeper service and nothing else. */
    static org.osgi.framework.BundleContext contextWith(Object keeper) {
        Object ref = java.lang.reflect.Proxy.newProxyInstance(ListenerHandoverTest.class.getClassLoader(),
                new Class<?>[] {org.osgi.framework.ServiceReference.class}, (p, m, a) -> {
                    throw new UnsupportedOperationException(m.getName());
                });
        return (org.osgi.framework.BundleContext) java.lang.reflect.Proxy.newProxyInstance(
                ListenerHandoverTest.class.getClassLoader(), new Class<?>[] {org.osgi.framework.BundleContext.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getServiceReference" -> ref;
                    case "getService" -> keeper;
                    case "ungetService" -> true;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static String firstLine(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    /**
     * A refresh of lineserver (or of the api): the protocol's listener stops, then lineserver,
     * whose next revision has its own classes and state. The socket goes to the keeper, and a
     * client that connects meanwhile waits in its backlog until the next lineserver's listener
     * takes it over, instead of being reset with the socket.
     */
    @Test
    void aRefreshedLineserverTakesTheSocketOverFromTheKeeperWithTheClientsWaiting() throws Exception {
        int port = freePort();
        MapKeeper keeper = new MapKeeper();
        SharedSockets.keeperIn(contextWith(keeper));
        try {
            start("smtp-refresh", port, "OLD").stop();
            SharedSockets.closeUnused(); // the lineserver bundle stops
            assertTrue(keeper.keys().contains("smtp-refresh /127.0.0.1:" + port), keeper.keys().toString());
            try (Socket waiting = new Socket("127.0.0.1", port)) { // in the backlog: nobody accepts now
                SharedSockets.unretire(); // the next revision
                start("smtp-refresh", port, "NEW");
                assertEquals("NEW", firstLine(waiting));
            }
            assertFalse(keeper.keys().contains("smtp-refresh /127.0.0.1:" + port), "taken");
        } finally {
            SharedSockets.keeperIn(null);
            SharedSockets.unretire();
            keeper.closeAll();
        }
    }

    /** The order of a refresh's stops is not set: a listener that stops after lineserver leaves its socket to the keeper. */
    @Test
    void aListenerThatStopsAfterLineserverLeavesItsSocketToTheKeeper() throws Exception {
        int port = freePort();
        MapKeeper keeper = new MapKeeper();
        SharedSockets.keeperIn(contextWith(keeper));
        try {
            LineServer old = start("imap-refresh", port, "OLD");
            SharedSockets.closeUnused(); // the lineserver bundle stops first
            old.stop();
            try (Socket waiting = new Socket("127.0.0.1", port)) {
                ServerSocket kept = keeper.kept.get("imap-refresh /127.0.0.1:" + port).socket();
                assertTrue(kept.isBound() && !kept.isClosed(), "not closed by the stop");
                SharedSockets.unretire();
                start("imap-refresh", port, "NEW");
                assertEquals("NEW", firstLine(waiting));
            }
        } finally {
            SharedSockets.keeperIn(null);
            SharedSockets.unretire();
            keeper.closeAll();
        }
    }

    /**
     * An update of lineserver alone stops it while the protocol bundles' listeners run on
     * (until a refresh, or a slow graceful stop): the keeper's linger must not close the
     * socket under them; it starts when the last of them stops.
     */
    @Test
    void aListenerStillRunningWhenLineserverStopsKeepsItsSocketPastTheKeepersLinger() throws Exception {
        int port = freePort();
        MapKeeper keeper = new MapKeeper(Duration.ofMillis(200));
        SharedSockets.keeperIn(contextWith(keeper));
        try {
            LineServer running = start("smtp-update", port, "OLD");
            SharedSockets.closeUnused(); // the lineserver bundle stops; the listener runs on
            Thread.sleep(1000); // well past the keeper's linger
            try (Socket c = new Socket("127.0.0.1", port)) {
                assertEquals("OLD", firstLine(c), "still served by the running listener");
            }
            running.stop();
            assertTrue(keeper.kept.containsKey("smtp-update /127.0.0.1:" + port),
                    "the keeper has it once unused: " + keeper.keys());
        } finally {
            SharedSockets.keeperIn(null);
            SharedSockets.unretire();
            keeper.closeAll();
        }
    }

    /**
     * A keeper service of another sockets revision (its ListeningSockets another class) is
     * no keeper: the sockets nobody uses are closed as without one, so that the next
     * listeners can bind their ports, not left bound by a failed handover.
     */
    @Test
    void anIncompatibleKeeperStillReleasesUnusedSockets() throws Exception {
        int port = freePort();
        SharedSockets.keeperIn(contextWith(new Object()));
        try {
            start("pop3-incompatible", port, "OLD").stop(); // lingers for the next listener
            SharedSockets.closeUnused(); // the lineserver bundle stops
            assertTrue(Greeter.refusedWithin(port, Duration.ofSeconds(2)), "the port is released");
            try (ServerSocket next = new ServerSocket()) {
                next.setReuseAddress(true);
                next.bind(new InetSocketAddress("127.0.0.1", port)); // at once, no BindException
            }
        } finally {
            SharedSockets.keeperIn(null);
            SharedSockets.unretire();
        }
    }

    @Test
    void anUnusedSocketIsClosedAfterTheLinger() throws Exception {
        int port = freePort();
        start("dns-less", port, "OLD").stop();
        long stopped = System.nanoTime();
        // the timer cannot fire before SharedSockets.LINGER (10 s); connecting before that only fills the backlog
        Thread.sleep(SharedSockets.LINGER.toMillis());
        assertTrue(Greeter.refusedWithin(port, Duration.ofSeconds(20)), "the socket still listens "
                + (System.nanoTime() - stopped) / 1_000_000 + " ms after the stop");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    /** The linger timers' thread, or null while no timer is scheduled (see {@link DemandScheduler}). */
    private static Thread closerThread() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("lineserver-socket-closer") && t.isAlive()) {
                return t;
            }
        }
        return null;
    }

    /** Whether {@code t} waits for the lock of SharedSockets (held by the caller). */
    private static boolean blockedOnSharedSockets(Thread t) {
        java.lang.management.ThreadInfo info = java.lang.management.ManagementFactory.getThreadMXBean()
                .getThreadInfo(t.threadId());
        return info != null && info.getThreadState() == Thread.State.BLOCKED && info.getLockInfo() != null
                && info.getLockInfo().getIdentityHashCode() == System.identityHashCode(SharedSockets.class);
    }

    /**
     * The linger's timer fires just as the lineserver stops and hands the socket to the
     * keeper: the timer, already running (waiting for the lock), cannot be cancelled, and
     * must not then close the socket the keeper holds.
     */
    @Test
    void aLingerTimerThatFiresAsTheSocketGoesToTheKeeperLeavesItOpen() throws Exception {
        int port = freePort();
        MapKeeper keeper = new MapKeeper();
        SharedSockets.keeperIn(contextWith(keeper));
        try {
            // the sockets earlier tests left lingering are closed, and their timers with them: the
            // one timer thread (tasks run in turn) must be running this test's timer when it blocks
            SharedSockets.keeperIn(null);
            SharedSockets.closeUnused();
            SharedSockets.unretire();
            long idle = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (closerThread() != null && System.nanoTime() < idle) {
                Thread.sleep(10);
            }
            assertEquals(null, closerThread(), "no linger timer of an earlier test is left");
            SharedSockets.keeperIn(contextWith(keeper));
            long t0 = System.nanoTime(); // the timer fires SharedSockets.LINGER (10 s) after the stop
            start("smtp-timer", port, "OLD").stop();
            Thread timer = closerThread();
            assertTrue(timer != null, "the linger's timer is scheduled");
            synchronized (SharedSockets.class) {
                // the timer fires meanwhile, and waits for this lock
                long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                while (!blockedOnSharedSockets(timer) && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(blockedOnSharedSockets(timer), "the timer fired and waits for the lock: " + timer.getState());
                SharedSockets.closeUnused(); // the lineserver bundle stops: the socket goes to the keeper
            }
            assertTrue(System.nanoTime() - t0 > SharedSockets.LINGER.toNanos(), "the timer has fired");
            java.util.concurrent.CountDownLatch after = new java.util.concurrent.CountDownLatch(1);
            SharedSockets.CLOSER.after(Duration.ZERO, after::countDown); // one thread: the timer has run once this has
            assertTrue(after.await(10, java.util.concurrent.TimeUnit.SECONDS));
            ServerSocket kept = keeper.kept.get("smtp-timer /127.0.0.1:" + port).socket();
            assertFalse(kept.isClosed(), "the keeper's socket was closed by the linger's timer");
        } finally {
            SharedSockets.keeperIn(null);
            SharedSockets.unretire();
            keeper.closeAll();
        }
    }

    @Test
    void anotherListenersAddressIsNotShared() throws Exception {
        int port = freePort();
        start("smtp", port, "SMTP");
        assertThrows(BindException.class, () -> start("pop3", port, "POP3"));
    }
}
