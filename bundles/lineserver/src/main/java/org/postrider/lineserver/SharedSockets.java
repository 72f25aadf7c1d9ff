package org.postrider.lineserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listening sockets handed from a protocol bundle's listener to the next one, so that
 * replacing the bundle refuses no connection. Two bundles cannot bind one port, so the
 * socket stays here, in the lineserver bundle both import: a listener of the same name on
 * the same address (a side-by-side update: the new version started before the old one is
 * removed) accepts on the socket the running one bound, and the last one to stop leaves it
 * open for {@link #LINGER}, so that an in-place update (the old one stopped, then the new one
 * started) takes it over with the clients that connected meanwhile waiting in its backlog,
 * not refused. Unused after that, or when the listener of that name is started on another
 * address (its port changed), it is closed.
 * <p>
 * When the lineserver bundle itself stops (a refresh of it, or of the api or kit), the next
 * lineserver is a new revision with classes and static state of its own: each socket, with
 * the clients parked on it, is then handed to the {@link SocketKeeper keeper} (the
 * sockets bundle, which imports nothing of Postrider, so that no such refresh stops it), and
 * the next lineserver's listeners take it over from there. Without a keeper, the sockets
 * are closed once unused.
 *
 * <p>Port 0 (any free port) is never shared: each such listener binds its own.
 */
final class SharedSockets {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSockets.class);
    /** How long an unused socket waits for the next listener of its name. */
    static final Duration LINGER = Duration.ofSeconds(10);
    /** The linger's timers: one thread while a socket lingers, none otherwise (tests wait for its tasks). */
    static final DemandScheduler CLOSER = new DemandScheduler("lineserver-socket-closer");

    /** One bound socket and the listeners accepting on it now, oldest first. */
    static final class Shared {
        final String name;
        final InetSocketAddress bind;
        final ServerSocket socket;
        final List<LineServer> users = new ArrayList<>();
        /** Clients accepted by a listener that was stopping, waiting for the next one (bounded by the backlog). */
        final List<Parked> parked = new ArrayList<>();
        DemandScheduler.Task closing;
        /** Handed to the keeper: the keeper closes it, never this class. */
        boolean kept;

        Shared(String name, InetSocketAddress bind, ServerSocket socket) {
            this.name = name;
            this.bind = bind;
            this.socket = socket;
        }

        /** The newest listener still accepting, other than {@code leaving}; null if none. */
        LineServer successor(LineServer leaving) {
            synchronized (SharedSockets.class) {
                for (int i = users.size() - 1; i >= 0; i--) {
                    LineServer u = users.get(i);
                    if (u != leaving && !u.stopping()) {
                        return u;
                    }
                }
                return null;
            }
        }
    }

    /** A client accepted as its listener stopped, and that listener, to refuse it if no other comes. */
    record Parked(java.net.Socket client, LineServer by) {
    }

    private static final int MAX_PARKED = 512;

    private static final Map<String, Shared> BOUND = new HashMap<>();
    /**
     * How long the keeper holds a socket for the next lineserver: the refresh's stops and
     * starts take their time (the runtime's refresh command waits up to 120 s for them).
     */
    static final Duration KEPT_LINGER = Duration.ofSeconds(180);
    /** For tests outside OSGi: the context the keeper is looked up in (in OSGi, the keeper's bundle's own). */
    private static volatile BundleContext context;

    private SharedSockets() {
    }

    /** The socket for this listener: the one its predecessor of the same name bound, or a new one. */
    static synchronized Shared acquire(String name, InetSocketAddress bind, int backlog, LineServer user)
            throws IOException {
        String key = name + " " + bind;
        for (Shared other : List.copyOf(BOUND.values())) {
            if (other.name.equals(name) && !other.bind.equals(bind) && other.users.isEmpty()) {
                close(other); // the listener moved: its old port is released now
            }
        }
        Shared s = bind.getPort() == 0 ? null : BOUND.get(key);
        if ((s == null || s.socket.isClosed()) && bind.getPort() != 0) {
            s = fromKeeper(name, key, bind);
        }
        if (s == null || s.socket.isClosed()) {
            ServerSocket socket = bind(bind, backlog);
            // accept wakes up now and then, so a listener that stops leaves the socket open for the next
            socket.setSoTimeout(250);
            s = new Shared(name, bind, socket);
            if (bind.getPort() != 0) {
                BOUND.put(key, s);
            }
        } else {
            LOG.info("{}: taking over the listening socket on {}", name, bind);
        }
        if (s.closing != null) {
            s.closing.cancel();
            s.closing = null;
        }
        s.users.add(user);
        return s;
    }

    /** The socket a listener of the previous lineserver kept for this one (see {@link SocketKeeper#take}), now in BOUND. */
    private static Shared fromKeeper(String name, String key, InetSocketAddress bind) {
        if (!KEEPER_PACKAGE) {
            return null;
        }
        Shared s;
        try {
            s = SocketKeeper.take(context, name, key, bind);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("{}: the socket keeper failed, binding anew: {}", name, e.toString());
            return null;
        }
        if (s != null) {
            BOUND.put(key, s);
        }
        return s;
    }

    /**
     * Whether this revision was resolved with the sockets bundle's package: lineserver imports
     * it optionally, so that an uninstalled keeper does not keep the next lineserver from
     * resolving (and SMTP, POP3 and IMAP with it). A revision's wiring is fixed; without the
     * package, {@link SocketKeeper} is never loaded and the sockets are bound and closed here.
     */
    private static final boolean KEEPER_PACKAGE = visible("org.postrider.sockets.ListeningSockets");

    private static boolean visible(String className) {
        try {
            Class.forName(className, false, SharedSockets.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.info("no socket keeper package ({}): listening sockets are closed once unused, not kept across "
                    + "a refresh", e.toString());
            return false;
        }
    }

    /**
     * A client that a stopping listener accepted: to the newest listener still accepting on
     * that socket, or kept until one comes (refused when the socket closes unused).
     */
    static void handOver(Shared s, java.net.Socket client, LineServer by) {
        LineServer to;
        synchronized (SharedSockets.class) {
            to = s.successor(by);
            if (to == null) {
                if (s.parked.size() < MAX_PARKED && BOUND.containsValue(s)) {
                    s.parked.add(new Parked(client, by));
                    return;
                }
            }
        }
        if (to != null) {
            to.serve(client);
        } else {
            by.refuseStopping(client);
        }
    }

    /** The clients parked for the next listener, taken by {@code user} once it accepts. */
    static synchronized List<Parked> takeParked(Shared s) {
        List<Parked> p = List.copyOf(s.parked);
        s.parked.clear();
        return p;
    }

    /**
     * Binds; while the port is taken, tries again for up to {@link #BIND_WAIT}: a socket just
     * closed here, or by the previous lineserver (refreshed), is released only once its accept
     * loop's virtual thread has run, and a listener that fails to start is not started again.
     */
    private static ServerSocket bind(InetSocketAddress bind, int backlog) throws IOException {
        long deadline = System.nanoTime() + BIND_WAIT.toNanos();
        while (true) {
            ServerSocket socket = new ServerSocket();
            try {
                socket.setReuseAddress(true);
                socket.bind(bind, backlog);
                return socket;
            } catch (java.net.BindException e) {
                socket.close();
                if (bind.getPort() == 0 || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }
    }

    static final Duration BIND_WAIT = Duration.ofSeconds(3);

    /**
     * The listener has stopped; if none is left on the socket, it waits {@link #LINGER} for a
     * successor, or is closed now when {@code linger} is false (the listener will not come back).
     */
    static synchronized void release(Shared s, LineServer user, boolean linger) {
        s.users.remove(user);
        if (!s.users.isEmpty() || s.kept) {
            return; // in use, or the keeper's now
        }
        if (linger && retired && BOUND.containsValue(s)) {
            // the lineserver stopped before this listener: the socket is unused only now, so
            // only now does the keeper's linger start (it was left out of closeUnused)
            handToKeeper(s);
            if (!s.kept) {
                close(s); // no keeper: no listener of this lineserver comes any more
            }
            return;
        }
        if (!linger && BOUND.containsValue(s)) {
            close(s);
            return;
        }
        if (!BOUND.containsValue(s)) {
            closeQuietly(s.socket);
            return;
        }
        s.closing = CLOSER.after(LINGER, () -> {
            synchronized (SharedSockets.class) {
                // a timer already running when it was cancelled waits for the lock: the
                // socket may be the keeper's meanwhile, or replaced under its key
                if (s.users.isEmpty() && !s.kept && BOUND.get(s.name + " " + s.bind) == s) {
                    close(s);
                }
            }
        });
    }

    /**
     * The lineserver bundle has stopped: no listener of this one comes any more (a refresh
     * starts a new lineserver, with its own sockets), so every socket is closed as soon as no
     * listener uses it, now or when the last one stops (a refresh may stop a protocol bundle
     * after lineserver).
     */
    private static boolean retired;

    /** The lineserver bundle starts (again: stopped and started without a refresh, the same classes hand over again). */
    static synchronized void unretire() {
        retired = false;
    }

    /** For tests outside OSGi: the keeper is the service in {@code bc} (null: none). */
    static synchronized void keeperIn(BundleContext bc) {
        context = bc;
    }

    /**
     * The lineserver bundle stops: every unused socket goes to the keeper, with its parked
     * clients, for the next lineserver. A socket a listener still accepts on (a protocol
     * bundle that stops after lineserver, or not at all until a refresh: an update of
     * lineserver alone) stays with that listener and goes to the keeper when it stops, so
     * that the keeper's linger does not close it under the running listener. Without a
     * keeper, each is closed as soon as no listener uses it.
     */
    static synchronized void closeUnused() {
        retired = true;
        for (Shared s : List.copyOf(BOUND.values())) {
            if (s.users.isEmpty()) {
                if (!s.socket.isClosed()) {
                    handToKeeper(s);
                }
                if (!s.kept) {
                    close(s); // not handed over (no keeper): no listener of this lineserver comes any more
                }
            }
        }
    }

    /** To the keeper, with its parked clients, if there is one; {@code s.kept} says whether it took them. */
    private static void handToKeeper(Shared s) {
        boolean kept;
        try {
            kept = KEEPER_PACKAGE && SocketKeeper.keep(context, s, KEPT_LINGER);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("{}: the socket keeper failed, the socket is closed once unused: {}", s.name, e.toString());
            kept = false;
        }
        if (!kept) {
            return;
        }
        s.kept = true;
        s.parked.clear();
        BOUND.remove(s.name + " " + s.bind, s);
        if (s.closing != null) {
            s.closing.cancel();
        }
    }

    private static void close(Shared s) {
        BOUND.remove(s.name + " " + s.bind, s);
        if (s.closing != null) {
            s.closing.cancel();
        }
        closeQuietly(s.socket);
        for (Parked p : s.parked) {
            if (p.by() == null) {
                closeQuietly(p.client()); // taken from the keeper: no listener of ours to refuse it
            } else {
                Thread.ofVirtual().start(() -> p.by().refuseStopping(p.client()));
            }
        }
        s.parked.clear();
    }

    private static void closeQuietly(java.io.Closeable socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warn("closing a socket failed", e);
        }
    }
}
