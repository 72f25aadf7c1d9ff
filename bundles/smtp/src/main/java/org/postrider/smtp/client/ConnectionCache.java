package org.postrider.smtp.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Sessions with next hops kept open a short while after a transaction, by destination
 * domain, so the next message for that domain skips connect, greeting, EHLO and the TLS
 * handshake (Postfix's connection cache: a short idle time, a cap on reuses, RSET to check
 * a session before it carries another message).
 */
final class ConnectionCache implements AutoCloseable {
    private static final Duration QUIT_WAIT = Duration.ofSeconds(2);
    /** Postfix's smtp_rset_timeout: a cached session that is slow to answer RSET is not worth waiting for. */
    private static final Duration RSET_WAIT = Duration.ofSeconds(20);

    private record Idle(ClientConnection connection, long since) {
    }

    private final Map<String, Deque<Idle>> idle = new HashMap<>();
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

    int idleCount() {
        synchronized (idle) {
            return idle.values().stream().mapToInt(Deque::size).sum();
        }
    }

    /**
     * A live session with the destination, checked by RSET, or null when none is cached.
     * Sessions that fail the check are closed and the next is tried.
     */
    ClientConnection take(String destination) {
        while (true) {
            ClientConnection c = poll(destination);
            if (c == null) {
                return null;
            }
            try {
                if (c.command("RSET", rsetWait).code() == 250) {
                    return c;
                }
                c.quit(QUIT_WAIT);
            } catch (IOException e) {
                c.close(); // the hop closed it while idle; that is its right
            }
        }
    }

    private ClientConnection poll(String destination) {
        List<Idle> stale = new ArrayList<>();
        ClientConnection found = null;
        synchronized (idle) {
            Deque<Idle> q = idle.get(destination);
            long now = System.nanoTime();
            while (q != null && !q.isEmpty() && found == null) {
                Idle i = q.pollLast(); // the most recently used is the likeliest alive
                if (now - i.since() < idleTime.toNanos()) {
                    found = i.connection();
                } else {
                    stale.add(i);
                }
            }
            if (q != null && q.isEmpty()) {
                idle.remove(destination);
            }
        }
        stale.forEach(i -> i.connection().quit(QUIT_WAIT));
        return found;
    }

    /** Takes back a session after a finished transaction: kept for reuse, or closed. */
    void release(String destination, ClientConnection c) {
        int done = c.transactionDone();
        synchronized (idle) {
            if (!closed && !c.broken() && !idleTime.isZero() && done < reuseLimit) {
                idle.computeIfAbsent(destination, k -> new ArrayDeque<>()).addLast(new Idle(c, System.nanoTime()));
                return;
            }
        }
        c.quit(QUIT_WAIT);
    }

    /** Closes the sessions idle for longer than the idle time; called periodically. */
    void expire() {
        List<Idle> stale = new ArrayList<>();
        synchronized (idle) {
            long now = System.nanoTime();
            for (Iterator<Deque<Idle>> it = idle.values().iterator(); it.hasNext(); ) {
                Deque<Idle> q = it.next();
                while (!q.isEmpty() && now - q.peekFirst().since() >= idleTime.toNanos()) {
                    stale.add(q.pollFirst());
                }
                if (q.isEmpty()) {
                    it.remove();
                }
            }
        }
        stale.forEach(i -> i.connection().quit(QUIT_WAIT));
    }

    @Override
    public void close() {
        List<Idle> all = new ArrayList<>();
        synchronized (idle) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(i -> i.connection().quit(QUIT_WAIT));
    }
}
