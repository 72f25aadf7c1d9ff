package org.postrider.sockets.keeper;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.postrider.sockets.ListeningSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The keeper: each socket under its key, with the timer that closes it if nobody takes it. */
final class KeptSockets implements ListeningSockets, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeptSockets.class);

    private record Entry(Kept kept, ScheduledFuture<?> closing) {
    }

    private final Map<String, Entry> kept = new HashMap<>();
    private final ScheduledThreadPoolExecutor closer = closer();
    private boolean closed;

    @Override
    public synchronized void keep(String key, Kept k, Duration linger) {
        if (closed) {
            close(k);
            return;
        }
        Entry before = kept.remove(key);
        if (before != null) {
            before.closing().cancel(false);
            close(before.kept());
        }
        ScheduledFuture<?> closing = closer.schedule(() -> expire(key, k), linger.toMillis(), TimeUnit.MILLISECONDS);
        kept.put(key, new Entry(k, closing));
        LOG.info("Keeping the listening socket of {} ({} accepted clients) for the next listener", key,
                k.accepted().size());
    }

    @Override
    public synchronized Kept take(String key) {
        Entry e = kept.remove(key);
        if (e == null) {
            return null;
        }
        e.closing().cancel(false);
        return e.kept();
    }

    @Override
    public synchronized Set<String> keys() {
        return Set.copyOf(kept.keySet());
    }

    private synchronized void expire(String key, Kept k) {
        Entry e = kept.get(key);
        if (e != null && e.kept() == k) {
            kept.remove(key);
            LOG.info("No listener took the socket of {}: closed", key);
            close(k);
        }
    }

    /** The keeper stops: everything it keeps is closed. */
    @Override
    public synchronized void close() {
        closed = true;
        kept.values().forEach(e -> close(e.kept()));
        kept.clear();
        closer.shutdownNow();
    }

    /** A taken socket's timer leaves the queue at once, not after the linger holding the socket and its clients. */
    private static ScheduledThreadPoolExecutor closer() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postrider-sockets-closer");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** The timers pending: one per socket kept. */
    int pendingTimers() {
        return closer.getQueue().size();
    }

    private static void close(Kept k) {
        try {
            k.socket().close();
        } catch (IOException e) {
            LOG.warn("closing a kept listening socket failed: {}", e.toString());
        }
        for (Socket s : k.accepted()) {
            try {
                s.close();
            } catch (IOException e) {
                // the client is gone already
            }
        }
    }
}
