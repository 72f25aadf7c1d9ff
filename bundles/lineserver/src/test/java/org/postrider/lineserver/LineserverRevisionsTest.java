package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ref.WeakReference;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lineserver as an OSGi refresh makes it: each revision a class loader of its own, with its
 * own classes and static state, its bundle started and stopped, protocol listeners on it
 * (issue 14: the shared library is updated and refreshed any number of times). No thread of a
 * revision outlives its stop and its listeners' (each left one watchdog and one socket closer,
 * and through them the revision's class loader); a revision stopped and started again, as
 * the framework does without a refresh, serves again; and a revision resolved without the
 * sockets bundle's package (the keeper uninstalled) binds and closes its own sockets.
 */
class LineserverRevisionsTest {
    /** One revision of the lineserver bundle, driven by {@link RevisionDriver} inside it. */
    public interface Revision {
        /** The bundle's activator starts. */
        void start();

        /** The bundle's activator stops. */
        void stop();

        /** The socket keeper is the service in this BundleContext (null: none). */
        void keeperIn(Object context);

        /** A protocol's listener on 127.0.0.1:port that greets each client with {@code greeting}; close stops it. */
        AutoCloseable listen(String name, int port, String greeting) throws IOException;
    }

    /**
     * The class loader of one revision: lineserver's classes (and the driver) are its own; the
     * rest (api, kit, OSGi, SLF4J, the sockets bundle's package) are the test's, as bundles the
     * refresh does not touch; without the sockets package, that is not there at all.
     */
    private static final class RevisionLoader extends URLClassLoader {
        private final boolean socketsPackage;

        RevisionLoader(boolean socketsPackage) {
            super("lineserver-revision", new URL[] {location(LineServer.class), location(RevisionDriver.class)},
                    LineserverRevisionsTest.class.getClassLoader());
            this.socketsPackage = socketsPackage;
        }

        private static URL location(Class<?> c) {
            return c.getProtectionDomain().getCodeSource().getLocation();
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (!socketsPackage && name.startsWith("org.postrider.sockets.")) {
                    throw new ClassNotFoundException(name);
                }
                if (name.startsWith("org.postrider.lineserver.")
                        && !name.startsWith(LineserverRevisionsTest.class.getName())) {
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : findClass(name);
                }
                return super.loadClass(name, resolve);
            }
        }

        Revision revision() throws ReflectiveOperationException {
            return (Revision) loadClass(RevisionDriver.class.getName()).getConstructor().newInstance();
        }
    }

    private static Set<Thread> lineserverThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("lineserver-"))
                .collect(Collectors.toSet());
    }

    private static Set<String> newThreads(Set<Thread> before) {
        return lineserverThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .collect(Collectors.toSet());
    }

    /** Waits (up to 5 s: a shut scheduler's thread ends at once) until no lineserver thread made since {@code before} lives. */
    private static void assertNoThreadLeftSince(Set<Thread> before, String when) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!newThreads(before).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Set.of(), newThreads(before), "threads left " + when);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String firstLine(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    private static String greeting(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return firstLine(s);
        }
    }

    @Test
    void noThreadOfARevisionOutlivesItsStopAndARevisionStartedAgainServes() throws Exception {
        Set<Thread> before = lineserverThreads(); // other tests' listeners in this JVM may still run
        int port = freePort();
        List<WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // three refreshes
            loaders.add(runRevision(before, port, i));
        }
        // nothing holds a stopped revision: its class loader, classes and statics can go
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (loaders.stream().anyMatch(w -> w.get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(0, loaders.stream().filter(w -> w.get() != null).count(), "revisions' class loaders still held");
    }

    /** One revision: started, a listener on it, stopped; started again and stopped again, as without a refresh. */
    private static WeakReference<ClassLoader> runRevision(Set<Thread> before, int port, int i) throws Exception {
        try (RevisionLoader loader = new RevisionLoader(true)) {
            Revision r = loader.revision();
            r.start();
            AutoCloseable listener = r.listen("smtp-rev", port, "REV" + i);
            assertEquals("REV" + i, greeting(port));
            assertTrue(newThreads(before).contains("lineserver-watchdog"), "the watchdog runs: " + newThreads(before));
            listener.close(); // its socket lingers for the next listener of the name
            assertTrue(newThreads(before).contains("lineserver-socket-closer"), "the linger's timer: "
                    + newThreads(before));
            r.stop(); // no keeper: the lingering socket is closed
            assertNoThreadLeftSince(before, "after revision " + i + " stopped");

            r.start(); // the framework starts the same revision again, without a refresh
            listener = r.listen("smtp-rev", port, "AGAIN" + i);
            assertEquals("AGAIN" + i, greeting(port));
            listener.close();
            r.stop();
            assertNoThreadLeftSince(before, "after revision " + i + " stopped again");
            return new WeakReference<>(loader);
        }
    }

    /**
     * The sockets bundle was uninstalled and lineserver refreshed: the revision resolved
     * without its package (an optional import) binds its own sockets, hands them from one
     * listener to the next of its own as ever, and closes them once unused when it stops.
     * Then the keeper comes back: the next revision, resolved with it, keeps its sockets
     * across the refresh after that, the clients waiting in the backlog.
     */
    @Test
    void aRevisionWithoutTheKeeperBindsAndClosesItsOwnSocketsAndOneWithTheKeeperBackHandsThemOver()
            throws Exception {
        int port = freePort();
        try (RevisionLoader loader = new RevisionLoader(false)) {
            Revision alone = loader.revision();
            alone.start();
            alone.listen("pop3-alone", port, "ALONE").close(); // lingers for the next listener
            AutoCloseable again = alone.listen("pop3-alone", port, "AGAIN"); // an in-place update of pop3
            assertEquals("AGAIN", greeting(port));
            again.close();
            alone.stop(); // refreshed again: no keeper to hand the socket to
            assertTrue(Greeter.refusedWithin(port, Duration.ofSeconds(2)), "the unused socket is closed");
        }
        ListenerHandoverTest.MapKeeper keeper = new ListenerHandoverTest.MapKeeper();
        try (RevisionLoader withKeeper = new RevisionLoader(true); RevisionLoader next = new RevisionLoader(true)) {
            Revision back = withKeeper.revision();
            back.keeperIn(ListenerHandoverTest.contextWith(keeper));
            back.start();
            AutoCloseable listener = back.listen("pop3-alone", port, "BACK");
            assertEquals("BACK", greeting(port));
            listener.close();
            back.stop(); // the socket goes to the keeper
            assertTrue(keeper.keys().contains("pop3-alone /127.0.0.1:" + port), keeper.keys().toString());
            try (Socket waiting = new Socket("127.0.0.1", port)) { // in the backlog: nobody accepts now
                Revision after = next.revision();
                after.keeperIn(ListenerHandoverTest.contextWith(keeper));
                after.start();
                listener = after.listen("pop3-alone", port, "NEXT");
                assertEquals("NEXT", firstLine(waiting));
                listener.close();
                after.stop();
            }
        } finally {
            keeper.closeAll();
        }
    }
}
