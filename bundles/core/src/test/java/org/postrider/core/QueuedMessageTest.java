package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.QueueId;

/** The per-message state machine: one owner at a time, and no attempt request ever lost. */
class QueuedMessageTest {
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        workers.shutdownNow();
        timers.shutdownNow();
    }

    static QueuedMessage message() throws Exception {
        Envelope e = Envelope.of(MailAddress.parse("a@example.org"), List.of(MailAddress.parse("b@example.org")),
                new Origin("ESMTP", null, null, null, Instant.now()));
        return new QueuedMessage(new QueueId("M1"), e, 0, MessageState.fresh(1));
    }

    @Test
    void aRequestWhileAnAttemptRunsIsNotDropped() throws Exception {
        QueuedMessage m = message();
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch letFirstEnd = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch two = new CountDownLatch(2);
        java.util.function.Consumer<QueuedMessage> attempt = x -> {
            if (runs.incrementAndGet() == 1) {
                inFirst.countDown();
                await(letFirstEnd);
            }
            two.countDown();
        };
        m.requestAttempt(workers, attempt);
        assertTrue(inFirst.await(10, TimeUnit.SECONDS));
        m.requestAttempt(workers, attempt);
        m.requestAttempt(workers, attempt); // coalesces with the one already waiting
        letFirstEnd.countDown();
        assertTrue(two.await(10, TimeUnit.SECONDS), "the request made during the attempt ran after it");
        Thread.sleep(200);
        assertEquals(2, runs.get(), "requests waiting together run once, never a third time");
    }

    @Test
    void anAdministratorsActionNeverInterleavesWithAnAttempt() throws Exception {
        QueuedMessage m = message();
        CountDownLatch inAttempt = new CountDownLatch(1);
        CountDownLatch letEnd = new CountDownLatch(1);
        AtomicBoolean attemptRunning = new AtomicBoolean();
        AtomicBoolean overlapped = new AtomicBoolean();
        m.requestAttempt(workers, x -> {
            attemptRunning.set(true);
            inAttempt.countDown();
            await(letEnd);
            attemptRunning.set(false);
        });
        assertTrue(inAttempt.await(10, TimeUnit.SECONDS));
        CountDownLatch adminRan = new CountDownLatch(1);
        boolean ranAtOnce = m.inTurnSoon(() -> {
            overlapped.set(attemptRunning.get());
            adminRan.countDown();
        }, 100, workers);
        assertFalse(ranAtOnce, "the attempt holds the turn");
        assertEquals(1, adminRan.getCount(), "not run while the attempt runs");
        letEnd.countDown();
        assertTrue(adminRan.await(10, TimeUnit.SECONDS), "run once the attempt ended");
        assertFalse(overlapped.get());
    }

    @Test
    void aRemovedMessageIsNotAttemptedAndItsTimerIsGone() throws Exception {
        QueuedMessage m = message();
        AtomicInteger runs = new AtomicInteger();
        m.scheduleAttempt(300, timers, workers, x -> runs.incrementAndGet());
        m.inTurn(m::markRemoved);
        m.requestAttempt(workers, x -> runs.incrementAndGet());
        Thread.sleep(600);
        assertEquals(0, runs.get());
    }

    @Test
    void slotsChangeSizeWithoutLosingReleases() throws Exception {
        Slots s = new Slots(2);
        s.acquire();
        s.acquire();
        s.limit(1);
        s.release();
        s.release();
        assertEquals(0, s.used());
        s.acquire();
        AtomicBoolean second = new AtomicBoolean();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                s.acquire();
                second.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.join(200);
        assertFalse(second.get(), "at most the new limit of 1");
        s.limit(2);
        t.join(5000);
        assertTrue(second.get(), "a larger limit lets the waiter in");
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
