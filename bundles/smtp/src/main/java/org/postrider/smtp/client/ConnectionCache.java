package org.postrider.smtp.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sessions with next hops kept open a short while after a transaction, so the next message
 * skips connect, greeting, EHLO and the TLS handshake (Postfix's connection cache: a short
 * idle time, a cap on reuses, RSET to check a session before it carries another message).
 * A session is found by each of its keys: the destination domain it served, and the
 * exchanger's address, so domains hosted on one exchanger share its sessions.
 */
final class ConnectionCache implements AutoCloseable {
    static final Duration QUIT_WAIT = Duration.ofSeconds(2);
    /** Postfix's smtp_rset_timeout: a cached session that is slow to answer RSET is not worth waiting for. */
    private static final Duration RSET_WAIT = Duration.ofSeconds(20);

    private static final class Idle {
        final ClientConnection connection;
        final long since = System.nanoTime();
        final List<String> keys;

        Idle(ClientConnection connection, List<String> keys) {
            this.connection = connection;
            this.keys = keys;
        }
    }

    private final Map<String, Deque<Idle>> byKey = new HashMap<>();
    private final Set<Idle> all = new LinkedHashSet<>(); // oldest first
    private final Duration idleTime;
    private final int reuseLimit;
    private final Duration rsetWait;
    private boolean closed;

    /**
     * @param idleTime   how long a session may wait for the next message; zero turns reuse off
     * @param reuseLimit the most transactions one session carries
     */
    ConnectionCache(Duration idleTime, int reuseLimit) {
        this(idleTime, reuseLimit, RSET_WAIT);
    }

    ConnectionCache(Duration idleTime, int reuseLimit, Duration rsetWait) {
        this.idleTime = idleTime;
        this.reuseLimit = reuseLimit;
        this.rsetWait = rsetWait;
    }

    /** The key of an exchanger's address ("[192.0.2.1]:25"). */
    static String addressKey(java.net.InetAddress address, int port) {
        return "[" + address.getHostAddress() + "]:" + port;
    }

    int idleCount() {
        synchronized (byKey) {
            return all.size();
        }
    }

    /**
     * A live session found by this key, checked by RSET, or null when none is cached.
     * Sessions that fail the check are closed and the next is tried.
     */
    ClientConnection take(String key) {
        while (true) {
            ClientConnection c = poll(key);
            if (c == null) {
                return null;
            }
            try {
                if (c.command("RSET", Deadlines.Stage.RSET, rsetWait).code() == 250) {
                    return c;
                }
                c.quit(QUIT_WAIT);
            } catch (IOException e) {
                c.close(); // the hop closed it while idle; that is its right
            }
        }
    }

    private ClientConnection poll(String key) {
        List<Idle> stale = new ArrayList<>();
        ClientConnection found = null;
        synchronized (byKey) {
            Deque<Idle> q = byKey.get(key);
            long now = System.nanoTime();
            while (q != null && !q.isEmpty() && found == null) {
                Idle i = q.peekLast(); // the most recently used is the likeliest alive
                forget(i);
                if (now - i.since < idleTime.toNanos()) {
                    found = i.connection;
                } else {
                    stale.add(i);
                }
            }
        }
        stale.forEach(i -> i.connection.quit(QUIT_WAIT));
        return found;
    }

    /** Removes a session from every key it is found by; the caller holds the lock. */
    private void forget(Idle i) {
        all.remove(i);
        for (String k : i.keys) {
            Deque<Idle> q = byKey.get(k);
            if (q != null) {
                q.remove(i);
                if (q.isEmpty()) {
                    byKey.remove(k);
                }
            }
        }
    }

    /** Takes back a session after a finished transaction: kept for reuse under these keys, or closed. */
    void release(List<String> keys, ClientConnection c) {
        int done = c.transactionDone();
        c.endAttempt();
        synchronized (byKey) {
            if (!closed && !c.broken() && !c.expired() && !idleTime.isZero() && done < reuseLimit) {
                Idle i = new Idle(c, List.copyOf(keys));
                all.add(i);
                for (String k : i.keys) {
                    byKey.computeIfAbsent(k, x -> new ArrayDeque<>()).addLast(i);
                }
                return;
            }
        }
        c.quit(QUIT_WAIT);
    }

    /** Closes the sessions idle for longer than the idle time; called periodically. */
    void expire() {
        List<Idle> stale = new ArrayList<>();
        synchronized (byKey) {
            long now = System.nanoTime();
            for (Idle i : List.copyOf(all)) {
                if (now - i.since < idleTime.toNanos()) {
                    break; // the rest are younger
                }
                forget(i);
                stale.add(i);
            }
        }
        stale.forEach(i -> i.connection.quit(QUIT_WAIT));
    }

    @Override
    public void close() {
        List<Idle> left;
        synchronized (byKey) {
            closed = true;
            left = List.copyOf(all);
            all.clear();
            byKey.clear();
        }
        left.forEach(i -> i.connection.quit(QUIT_WAIT));
    }
}
