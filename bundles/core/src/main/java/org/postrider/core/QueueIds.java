package org.postrider.core;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.postrider.api.queue.QueueId;

/**
 * Queue ids: milliseconds since the epoch in base 36, then a per-process counter and a
 * random tail, so ids sort by arrival, never repeat after a restart, and are letters and
 * digits only.
 */
final class QueueIds {
    private static final AtomicLong COUNTER = new AtomicLong();

    private QueueIds() {
    }

    static QueueId next() {
        long now = System.currentTimeMillis();
        String time = Long.toString(now, 36).toUpperCase(java.util.Locale.ROOT);
        String count = Long.toString(COUNTER.incrementAndGet() % (36L * 36 * 36 * 36), 36);
        String rnd = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
        return new QueueId(time + "0000".substring(count.length()) + count + "0000".substring(rnd.length()) + rnd);
    }

    /** The arrival time encoded in an id made by {@link #next()}, or 0. */
    static long millis(QueueId id) {
        try {
            return Long.parseLong(id.value().substring(0, id.value().length() - 8), 36);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
