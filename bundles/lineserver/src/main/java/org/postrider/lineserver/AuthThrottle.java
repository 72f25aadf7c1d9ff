package org.postrider.lineserver;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delay after a failed login, per client address: the configured delay, doubled for
 * each further failure up to 15 s (Dovecot's auth penalty), forgotten after 15 quiet
 * minutes or a success. The session's virtual thread sleeps, so waiting costs nothing.
 */
final class AuthThrottle {
    private static final long MAX_MILLIS = 15_000;
    private static final long FORGET_MILLIS = 15 * 60_000;

    private record Penalty(int failures, long last) {
    }

    private final long baseMillis;
    private final Map<InetAddress, Penalty> penalties = new ConcurrentHashMap<>();

    AuthThrottle(Duration base) {
        this.baseMillis = base.toMillis();
    }

    void failed(InetAddress address) {
        long now = System.currentTimeMillis();
        Penalty p = penalties.compute(address, (a, old) -> old == null || now - old.last() > FORGET_MILLIS
                ? new Penalty(1, now) : new Penalty(Math.min(old.failures() + 1, 16), now));
        long delay = Math.min(MAX_MILLIS, baseMillis << Math.min(p.failures() - 1, 10));
        if (penalties.size() > 100_000) {
            penalties.values().removeIf(x -> now - x.last() > FORGET_MILLIS);
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void succeeded(InetAddress address) {
        penalties.remove(address);
    }
}
