package org.postrider.kit.service;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceSlotTest {
    @Test
    void aReplacementBoundDuringTheWaitIsReturned() throws Exception {
        ServiceSlot<String> slot = new ServiceSlot<>();
        slot.bind("old");
        slot.unbind("old");
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            return slot.await(30, TimeUnit.SECONDS);
        });
        waiting.await();
        slot.bind("new");
        assertSame("new", got.get(30, TimeUnit.SECONDS));
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
