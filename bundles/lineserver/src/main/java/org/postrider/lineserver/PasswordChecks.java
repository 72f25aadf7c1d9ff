package org.postrider.lineserver;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the password hashes computed at once (PBKDF2 at the file directory's 65,536
 * iterations costs a core tens of milliseconds, more at a higher configured count): a
 * login waits a bounded time for a slot, else it gets a temporary failure, so a few clients
 * sending AUTH cannot keep every core busy. Together with {@link AuthThrottle#beforeCheck},
 * which makes an address wait out its penalty before its hash is computed, not after.
 */
public final class PasswordChecks {
    private final Semaphore slots;
    private final int max;
    private final long waitMillis;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    /** No slot came free in time: answer with a temporary failure. */
    public static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("too many logins being checked, try again later");
        }
    }

    /** @param max hashes at once; 0 for one per core */
    public PasswordChecks(int max, Duration wait) {
        this.max = max > 0 ? max : Runtime.getRuntime().availableProcessors();
        this.slots = new Semaphore(this.max, true);
        this.waitMillis = wait.toMillis();
    }

    /** Runs the check in a slot, waiting for one at most the configured time. */
    public <T> T run(Supplier<T> check) throws Busy {
        try {
            if (!slots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                refused.incrementAndGet();
                throw new Busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        try {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return check.get();
        } finally {
            inFlight.decrementAndGet();
            slots.release();
        }
    }

    /** The configured bound. */
    public int max() {
        return max;
    }

    /** The most checks that ran at once since start (never above {@link #max()}). */
    public int peak() {
        return peak.get();
    }

    /** Logins answered with a temporary failure for want of a slot. */
    public int refused() {
        return refused.get();
    }
}
