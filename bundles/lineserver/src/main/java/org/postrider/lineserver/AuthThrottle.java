package org.postrider.lineserver;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The delay after a failed login, per client address: the configured delay, doubled for
 * each further failure up to 15 s (Dovecot's auth penalty), forgotten after 15 quiet
 * minutes or a success. It also applies before the next password is hashed
 * ({@link #beforeCheck}): an address with a penalty gets one hash per delay, however many
 * connections it opens, so the penalty costs the attacker time instead of costing us CPU.
 * The session's virtual thread sleeps, so waiting costs nothing.
 */
final class AuthThrottle {
    private static final long MAX_MILLIS = 15_000;
    private static final long FORGET_MILLIS = 15 * 60_000;

    /** How the throttle waits; tests record instead. */
    interface Sleeper {
        void sleep(long millis);
    }

    private record Penalty(int failures, long last, long nextTurn) {
    }

    private final long baseMillis;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private final Map<InetAddress, Penalty> penalties = new ConcurrentHashMap<>();

    AuthThrottle(Duration base) {
        this(base, System::currentTimeMillis, AuthThrottle::sleepQuietly);
    }

    AuthThrottle(Duration base, LongSupplier clock, Sleeper sleeper) {
        this.baseMillis = base.toMillis();
        this.clock = clock;
        this.sleeper = sleeper;
    }

    private long delay(int failures) {
        return Math.min(MAX_MILLIS, baseMillis << Math.min(failures - 1, 10));
    }

    /**
     * Called before a password is hashed: with a penalty, waits for this address's next turn,
     * one per delay after the last failure (each waiting attempt takes the following turn).
     */
    void beforeCheck(InetAddress address) {
        long now = clock.getAsLong();
        long[] turn = {now};
        penalties.computeIfPresent(address, (a, p) -> {
            if (now - p.last() > FORGET_MILLIS) {
                return p;
            }
            long d = delay(p.failures());
            turn[0] = Math.max(now, Math.max(p.nextTurn(), p.last() + d));
            return new Penalty(p.failures(), p.last(), turn[0] + d);
        });
        if (turn[0] > now) {
            sleeper.sleep(turn[0] - now);
        }
    }

    /** Counts a failure and sleeps its delay before the answer. */
    void failed(InetAddress address) {
        long now = clock.getAsLong();
        Penalty p = penalties.compute(address, (a, old) -> old == null || now - old.last() > FORGET_MILLIS
                ? new Penalty(1, now, now) : new Penalty(Math.min(old.failures() + 1, 16), now, old.nextTurn()));
        if (penalties.size() > 100_000) {
            penalties.values().removeIf(x -> now - x.last() > FORGET_MILLIS);
        }
        sleeper.sleep(delay(p.failures()));
    }

    void succeeded(InetAddress address) {
        penalties.remove(address);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
