package org.postrider.lineserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.postrider.api.server.ListenerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A listening socket and its sessions: one virtual thread per connection, limits on
 * connections in all and per client address, a watchdog enforcing each connection's
 * deadline, and a graceful stop (stop accepting, let sessions finish within the grace
 * period, then close them, release the port).
 */
public final class LineServer implements ListenerInfo {
    private static final Logger LOG = LoggerFactory.getLogger(LineServer.class);
    private static final AtomicInteger SESSION_IDS = new AtomicInteger();
    /** Its thread runs while a listener does (and is gone once none does: no thread outlives the bundle). */
    private static final DemandScheduler WATCHDOG = new DemandScheduler("lineserver-watchdog");

    private final ListenerSettings settings;
    private final SessionHandler handler;
    private final Supplier<SSLContext> tls;
    private final AuthThrottle throttle;
    private final UserSessions users;
    private final PasswordChecks passwordChecks;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** Sessions counted against the limits, from their accept to their end: all, and by address. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    private final AtomicInteger accepted = new AtomicInteger();
    /** Sessions started and not yet in {@link #connections}: the stop waits for them to be there (or gone). */
    private final AtomicInteger starting = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile ServerSocket socket;
    private volatile SharedSockets.Shared shared;
    private volatile boolean stopping;
    private volatile DemandScheduler.Task watch;
    private volatile Thread acceptor;

    /**
     * @param tls supplies the current TLS context (it may reload a changed certificate), or
     *            null for a listener without TLS
     */
    public LineServer(ListenerSettings settings, SessionHandler handler, Supplier<SSLContext> tls) {
        this(settings, handler, tls, new AuthThrottle(settings.authFailureDelay()), new UserSessions(),
                new PasswordChecks(settings.maxPasswordChecks(), settings.passwordCheckWait()));
    }

    /** With the failed-login penalties, per-user counts and hash slots shared by the protocol's other listeners. */
    LineServer(ListenerSettings settings, SessionHandler handler, Supplier<SSLContext> tls, AuthThrottle throttle,
            UserSessions users, PasswordChecks passwordChecks) {
        this.settings = settings;
        this.handler = handler;
        this.tls = tls;
        this.throttle = throttle;
        this.users = users;
        this.passwordChecks = passwordChecks;
    }

    /** Binds and starts accepting. */
    public void start() throws IOException {
        if (settings.tls() != TlsMode.NONE && tls == null) {
            throw new IOException(settings.name() + ": TLS is configured but no certificate is available");
        }
        shared = SharedSockets.acquire(settings.name(), settings.bind(), 512, this);
        ServerSocket s = shared.socket;
        socket = s;
        watch = WATCHDOG.every(java.time.Duration.ofMillis(200), this::enforceDeadlines);
        acceptor = Thread.ofVirtual().name(settings.name() + "-accept").start(this::acceptLoop);
        for (SharedSockets.Parked p : SharedSockets.takeParked(shared)) {
            serve(p.client()); // accepted by the previous listener as it stopped
        }
        LOG.info("{} listening on {}:{} ({}, tls={})", settings.name(), s.getInetAddress().getHostAddress(),
                s.getLocalPort(), settings.protocol(), settings.tls().label());
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket client;
            try {
                client = socket.accept();
            } catch (java.net.SocketTimeoutException e) {
                continue; // a look at stopping: the socket itself stays open for the next listener
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                LOG.warn("{}: accept failed: {}", settings.name(), e.toString());
                continue;
            }
            if (stopping) {
                SharedSockets.handOver(shared, client, this); // to the next listener on this socket
            } else {
                serve(client);
            }
        }
    }

    /** Serves a client accepted on this listener's socket (perhaps by its predecessor). */
    void serve(Socket client) {
        // Counted and judged here, in the order of accept, not in the session threads' order:
        // of clients that come together, the later ones are refused, and a refused one gives
        // its place back at once (it never counts against the sessions that are served).
        InetAddress address = client.getInetAddress();
        int all = admitted.incrementAndGet();
        int here = perAddress.merge(address, 1, Integer::sum);
        if (all > settings.maxConnections() || here > settings.maxPerAddress()) {
            release(address);
            String reason = all > settings.maxConnections() ? "too many connections"
                    : "too many connections from your address";
            Thread.ofVirtual().name(settings.name() + "-refusal").start(() -> refuseAndClose(client, reason));
            return;
        }
        starting.incrementAndGet();
        try {
            Thread.ofVirtual().name(settings.name() + "-session").start(() -> session(client));
        } catch (RuntimeException | Error e) {
            starting.decrementAndGet();
            release(address);
            try {
                client.close();
            } catch (IOException ignored) {
                // the thread could not start: the client is dropped either way
            }
            throw e;
        }
    }

    private void release(InetAddress address) {
        admitted.decrementAndGet();
        perAddress.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
    }

    /** A client accepted as this listener stopped, with no other to take it: told to come back. */
    void refuseStopping(Socket client) {
        refuseAndClose(client, "shutting down");
    }

    private void refuseAndClose(Socket client, String reason) {
        try (client) {
            client.setSoTimeout(5000);
            refuse(client, reason);
        } catch (IOException e) {
            LOG.debug("{}: refusing {} failed: {}", settings.name(), client.getInetAddress(), e.toString());
        }
    }

    private void session(Socket client) {
        InetAddress address = client.getInetAddress();
        String session = settings.name() + "-" + Integer.toString(SESSION_IDS.incrementAndGet(), 36);
        MDC.put("session", session);
        Connection c = null;
        boolean counted = true; // in starting, until it is in connections or gone
        try {
            client.setTcpNoDelay(true);
            Socket s = client;
            if (settings.tls() == TlsMode.IMPLICIT) {
                SSLSocket ssl = (SSLSocket) tlsContext().getSocketFactory().createSocket(client,
                        address.getHostAddress(), client.getPort(), true);
                ssl.setUseClientMode(false);
                handler.prepareTls(ssl);
                s = ssl;
            }
            c = new Connection(this, client, s, settings.tls() == TlsMode.IMPLICIT);
            connections.add(c);
            starting.decrementAndGet();
            counted = false;
            accepted.incrementAndGet();
            if (settings.tls() == TlsMode.IMPLICIT) {
                c.handshake();
            }
            handler.serve(c);
        } catch (ProtocolViolation v) {
            LOG.info("{} from {}: {}", settings.name(), address.getHostAddress(), v.getMessage());
        } catch (IOException e) {
            LOG.debug("{} from {} ended: {}", settings.name(), address.getHostAddress(), e.toString());
        } catch (RuntimeException e) {
            LOG.error("{} session from {} failed", settings.name(), address.getHostAddress(), e);
        } finally {
            if (counted) {
                starting.decrementAndGet();
            }
            if (c != null) {
                c.logout();
                c.close(); // still watched: its last flush is under the write deadline
                connections.remove(c);
            } else {
                try {
                    client.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
            release(address);
            MDC.remove("session");
        }
    }

    private void refuse(Socket client, String reason) throws IOException {
        refused.incrementAndGet();
        LOG.info("{}: refused {}: {}", settings.name(), client.getInetAddress().getHostAddress(), reason);
        if (settings.tls() != TlsMode.IMPLICIT) {
            client.getOutputStream().write((handler.refusal(reason) + "\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private void enforceDeadlines() {
        long now = System.currentTimeMillis();
        for (Connection c : connections) {
            c.checkDeadline(now);
        }
    }

    /**
     * Stops accepting, lets sessions finish within the grace period, closes the rest. The
     * listening socket is kept a moment for the next listener of this name and address.
     */
    public void stop() {
        stop(true);
    }

    /** As {@link #stop()}; {@code keepSocket} false releases the port at once (a start that failed). */
    void stop(boolean keepSocket) {
        stopping = true; // the accept loop ends; a client it takes meanwhile goes to the next listener
        try {
            stopSessions();
        } finally {
            awaitAcceptLoop();
            awaitStarting();
            if (!connections.isEmpty()) {
                // sessions the accept loop started as the stop began, added after the goodbyes
                // went out: the same goodbye and grace, under the watchdog still
                stopSessions();
            }
            if (watch != null) {
                watch.cancel();
            }
            if (shared != null) {
                // closed, or kept for the next listener of this name: clients wait in its backlog meanwhile
                SharedSockets.release(shared, this, keepSocket);
            }
        }
        LOG.info("{} stopped ({} sessions were cut at the end of the grace period)", settings.name(),
                connections.size());
    }

    /**
     * Waits (a moment: accept wakes every 250 ms) until the accept loop has ended, so that
     * no accept of this listener is under way once the socket is released (handed to the
     * keeper, for one, whose next listener would otherwise race it for a client).
     */
    private void awaitAcceptLoop() {
        Thread t = acceptor;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits (briefly: a session is in {@link #connections} before any I/O but a refusal's one
     * line) until no session started is missing from the connections.
     */
    private void awaitStarting() {
        long deadline = System.currentTimeMillis() + 2000;
        while (starting.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private void stopSessions() {
        for (Connection c : connections) {
            // each on its own thread: a goodbye to a client that reads nothing blocks until the
            // grace period's end closes its socket, and must not hold up the others' goodbyes
            Thread.ofVirtual().name(settings.name() + "-goodbye").start(() -> {
                try {
                    c.wakeForStop();
                } catch (RuntimeException e) {
                    LOG.debug("{}: goodbye to a waiting session failed: {}", settings.name(), e.toString());
                }
            });
        }
        long deadline = System.currentTimeMillis() + settings.shutdownGrace().toMillis();
        while (!connections.isEmpty() && System.currentTimeMillis() < deadline) {
            long now = System.currentTimeMillis();
            for (Connection c : connections) {
                if (c.wokenLongAgo(now)) {
                    c.closeSocket(); // told goodbye, and had time to read it
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Connection c : connections) {
            c.closeSocket();
        }
    }

    boolean stopping() {
        return stopping;
    }

    ListenerSettings settings() {
        return settings;
    }

    SessionHandler handler() {
        return handler;
    }

    SSLContext tlsContext() {
        return tls == null ? null : tls.get();
    }

    UserSessions users() {
        return users;
    }

    AuthThrottle throttle() {
        return throttle;
    }

    /** The password-hash slots (shared by the protocol's listeners), for their counters. */
    public PasswordChecks passwordChecks() {
        return passwordChecks;
    }

    /** The sessions open now. */
    public java.util.List<SessionInfo> sessions() {
        return connections.stream().map(Connection::info).toList();
    }

    /** Connections accepted and refused since start. */
    public int[] counters() {
        return new int[] {accepted.get(), refused.get()};
    }

    // --- ListenerInfo ---

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String protocol() {
        return settings.protocol();
    }

    @Override
    public InetSocketAddress address() {
        ServerSocket s = socket;
        return s == null ? settings.bind() : new InetSocketAddress(s.getInetAddress(), s.getLocalPort());
    }

    @Override
    public String tls() {
        return settings.tls().label();
    }

    @Override
    public int activeConnections() {
        return connections.size();
    }
}
