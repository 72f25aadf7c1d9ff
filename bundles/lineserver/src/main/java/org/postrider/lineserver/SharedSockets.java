package org.postrider.lineserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * address (its port changed), or when the lineserver bundle itself stops, it is closed.
 *
 * <p>Port 0 (any free port) is never shared: each such listener binds its own.
 */
final class SharedSockets {
    private static final Logger LOG = LoggerFactory.getLogger(SharedSockets.class);
    /** How long an unused socket waits for the next listener of its name. */
    static final Duration LINGER = Duration.ofSeconds(10);
    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lineserver-socket-closer");
        t.setDaemon(true);
        return t;
    });

    /** One bound socket and the listeners accepting on it now, oldest first. */
    static final class Shared {
        final String name;
        final InetSocketAddress bind;
        final ServerSocket socket;
        final List<LineServer> users = new ArrayList<>();
        /** Clients accepted by a listener that was stopping, waiting for the next one (bounded by the backlog). */
        final List<Parked> parked = new ArrayList<>();
        ScheduledFuture<?> closing;

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
            s.closing.cancel(false);
            s.closing = null;
        }
        s.users.add(user);
        return s;
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
        if (!s.users.isEmpty()) {
            return;
        }
        if ((!linger || retired) && BOUND.containsValue(s)) {
            close(s);
            return;
        }
        if (!BOUND.containsValue(s)) {
            closeQuietly(s.socket);
            return;
        }
        try {
            s.closing = CLOSER.schedule(() -> {
                synchronized (SharedSockets.class) {
                    if (s.users.isEmpty()) {
                        close(s);
                    }
                }
            }, LINGER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            close(s);
        }
    }

    /**
     * The lineserver bundle has stopped: no listener of this one comes any more (a refresh
     * starts a new lineserver, with its own sockets), so every socket is closed as soon as no
     * listener uses it, now or when the last one stops (a refresh may stop a protocol bundle
     * after lineserver).
     */
    private static boolean retired;

    /** For tests in one JVM: as if the lineserver bundle had started again. */
    static synchronized void unretire() {
        retired = false;
    }

    /** Closes every socket no listener uses now, and any other once unused (the lineserver bundle stops). */
    static synchronized void closeUnused() {
        retired = true;
        for (Shared s : List.copyOf(BOUND.values())) {
            if (s.users.isEmpty()) {
                close(s);
            }
        }
    }

    private static void close(Shared s) {
        BOUND.remove(s.name + " " + s.bind, s);
        if (s.closing != null) {
            s.closing.cancel(false);
        }
        closeQuietly(s.socket);
        for (Parked p : s.parked) {
            Thread.ofVirtual().start(() -> p.by().refuseStopping(p.client()));
        }
        s.parked.clear();
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.warn("closing a listening socket failed", e);
        }
    }
}
