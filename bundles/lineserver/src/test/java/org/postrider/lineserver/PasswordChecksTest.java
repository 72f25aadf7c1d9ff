package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** At most N password hashes at once; the rest wait a bounded time, then get a temporary failure. */
class PasswordChecksTest {
    @Test
    void noMoreThanTheLimitRunAtOnceAndTheOthersAreRefusedAfterTheWait() throws Exception {
        PasswordChecks checks = new PasswordChecks(2, Duration.ofMillis(200));
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    checks.run(() -> {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try {
                            release.await(5, TimeUnit.SECONDS); // a slow hash
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        running.decrementAndGet();
                        return true;
                    });
                    done.incrementAndGet();
                } catch (PasswordChecks.Busy e) {
                    busy.incrementAndGet();
                }
            }));
        }
        for (int i = 0; i < 500 && busy.get() < 8; i++) {
            Thread.sleep(10);
        }
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(2, most.get(), "two hashes at once, never more");
        assertEquals(2, done.get());
        assertEquals(8, busy.get(), "the others waited 200 ms and were refused");
        assertEquals(2, checks.peak());
        assertEquals(8, checks.refused());
    }

    @Test
    void zeroMeansOnePerCoreAndASlotIsFreedWhateverTheCheckDoes() throws Exception {
        PasswordChecks checks = new PasswordChecks(0, Duration.ZERO);
        assertEquals(Runtime.getRuntime().availableProcessors(), checks.max());
        PasswordChecks one = new PasswordChecks(1, Duration.ZERO);
        assertThrows(IllegalStateException.class, () -> one.run(() -> {
            throw new IllegalStateException("directory failed");
        }));
        assertTrue(one.run(() -> true), "the slot came back after the failure");
    }
}
