package org.postrider.kit.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupSyncTest {
    @Test
    void manyWritersShareFewerSyncsAndAllReturnOnlyAfterOneThatStartedAfterThem() throws Exception {
        AtomicInteger syncs = new AtomicInteger();
        GroupSync g = new GroupSync(() -> {
            syncs.incrementAndGet();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Future<?>> all = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                all.add(pool.submit(() -> {
                    int before = syncs.get();
                    g.sync();
                    assertTrue(syncs.get() > before, "a sync ran after this writer arrived");
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertTrue(syncs.get() < 200, "grouped: " + syncs.get() + " syncs for 200 writers");
    }

    @Test
    void aFailedSyncFailsItsWritersAndTheNextOneSucceeds() throws Exception {
        AtomicBoolean fail = new AtomicBoolean(true);
        GroupSync g = new GroupSync(() -> {
            if (fail.get()) {
                throw new IOException("EIO");
            }
        });
        assertThrows(IOException.class, g::sync);
        fail.set(false);
        g.sync();
        assertEquals(false, fail.get());
    }

    @Test
    void aSyncThatThrowsAnErrorOrUncheckedExceptionDoesNotLeaveTheGroupWaitingForever() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        GroupSync g = new GroupSync(() -> {
            switch (calls.incrementAndGet()) {
                case 1 -> throw new OutOfMemoryError("unable to create native thread (simulated)");
                case 2 -> throw new java.io.UncheckedIOException(new IOException("EIO (simulated)"));
                default -> { }
            }
        });
        assertThrows(OutOfMemoryError.class, g::sync, "the one who ran it sees what went wrong");
        // before: the group still thought the first sync was running, and every later writer waited for it forever
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10),
                () -> assertThrows(java.io.UncheckedIOException.class, g::sync));
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), g::sync);
        assertEquals(3, calls.get());
    }

    @Test
    void aWriterWaitingBehindASyncThatThrewUncheckedRunsTheSyncItNeedsInsteadOfWaitingForever() throws Exception {
        java.util.concurrent.CountDownLatch firstRunning = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch releaseFirst = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        GroupSync g = new GroupSync(() -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                firstRunning.countDown();
                try {
                    releaseFirst.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("simulated");
            }
        });
        Thread first = new Thread(() -> assertThrows(IllegalStateException.class, g::sync));
        first.start();
        firstRunning.await();
        // arrives while the first sync runs: it needs the next one, and runs it (or waits for it)
        List<String> outcome = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread second = new Thread(() -> {
            try {
                g.sync();
                outcome.add("returned");
            } catch (Throwable t) {
                outcome.add(t.toString());
            }
        });
        second.start();
        while (second.getState() != Thread.State.WAITING && second.isAlive()) {
            Thread.onSpinWait();
        }
        releaseFirst.countDown();
        first.join(10_000);
        second.join(10_000);
        assertTrue(!second.isAlive(), "a writer waiting behind a sync that threw unchecked waited forever");
        assertEquals(2, calls.get(), "the waiting writer ran the sync it needed");
        assertEquals(List.of("returned"), outcome, "its sync, begun after it came, succeeded");
    }
}
