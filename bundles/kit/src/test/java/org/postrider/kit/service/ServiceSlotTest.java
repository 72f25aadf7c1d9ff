package org.postrider.kit.service;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceSlotTest {
    @Test
    void aReplacementBoundDuringTheWaitIsReturned() throws Exception {
        ServiceSlot<String> slot = new ServiceSlot<>();
        slot.bind("old");
        slot.unbind("old");
        CompletableFuture<String> got = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> got.complete(slot.await(30, TimeUnit.SECONDS)));
        awaitWaiting(waiter);
        slot.bind("new");
        assertSame("new", got.get(30, TimeUnit.SECONDS));
    }

    @Test
    void closingEndsTheWaitAndLaterCallsDoNotWait() throws Exception {
        ServiceSlot<String> slot = new ServiceSlot<>();
        CompletableFuture<String> got = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> got.complete(slot.await(30, TimeUnit.SECONDS)));
        awaitWaiting(waiter);
        long start = System.nanoTime();
        slot.close();
        assertNull(got.get(30, TimeUnit.SECONDS));
        assertNull(slot.await(30, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "no 30 s wait after close");
    }

    /** Until the thread waits in the slot (the bind must come after the wait began). */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the waiter never waited: " + t.getState());
            Thread.sleep(5);
        }
    }

    @Test
    void noServiceWithinTheWaitIsNull() {
        ServiceSlot<String> slot = new ServiceSlot<>();
        long start = System.nanoTime();
        assertNull(slot.await(50, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "waited the bound out");
    }

    @Test
    void unbindingAServiceAlreadyReplacedKeepsTheReplacement() {
        ServiceSlot<String> slot = new ServiceSlot<>();
        slot.bind("old");
        slot.bind("new"); // greedy: the new one is bound before the old one goes
        slot.unbind("old");
        assertSame("new", slot.now());
        assertSame("new", slot.await(0, TimeUnit.SECONDS));
    }

    @Test
    void anInterruptedWaitEndsAndKeepsTheInterrupt() throws Exception {
        ServiceSlot<String> slot = new ServiceSlot<>();
        Thread.currentThread().interrupt();
        try {
            assertNull(slot.await(30, TimeUnit.SECONDS));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
