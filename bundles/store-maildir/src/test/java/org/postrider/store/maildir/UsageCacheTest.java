package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The kept usage: a sum that overlapped with changes is answered but never kept. */
class UsageCacheTest {
    static final String ALICE = "alice@example.org";

    @Test
    void aSumThatKeepsOverlappingWithChangesIsNotKept() throws Exception {
        UsageCache cache = new UsageCache(10);
        AtomicInteger sums = new AtomicInteger();
        AtomicBoolean busy = new AtomicBoolean(true);
        UsageCache.Summer summer = user -> {
            sums.incrementAndGet();
            if (busy.get()) {
                cache.changed(user, 10, 1); // a delivery while the folders are summed
            }
            return new long[] {100, 5};
        };
        assertArrayEquals(new long[] {100, 5}, cache.get(ALICE, summer), "the caller still gets an answer");
        int tries = sums.get();

        busy.set(false);
        cache.get(ALICE, summer);
        assertEquals(tries + 1, sums.get(), "the overlapped sum was not kept: summed again");
        cache.get(ALICE, summer);
        assertEquals(tries + 1, sums.get(), "a quiet sum is kept");
        cache.changed(ALICE, 10, 1);
        assertArrayEquals(new long[] {110, 6}, cache.get(ALICE, summer), "and follows the changes");
    }

    @Test
    void anEntryKeepsNoTableOfSummingThreadsOnceItsSumsEndedKeptFailedOrNotKept() throws Exception {
        UsageCache cache = new UsageCache(10);
        cache.get(ALICE, user -> new long[] {100, 5}); // kept
        UsageCache.Summer failing = user -> {
            throw new org.postrider.api.store.StoreException("cannot read folder", true);
        };
        org.junit.jupiter.api.Assertions.assertThrows(org.postrider.api.store.StoreException.class,
                () -> cache.get("bob@example.org", failing));
        cache.get("carol@example.org", user -> { // overlapped each time: answered, not kept
            cache.changed(user, 10, 1);
            return new long[] {100, 5};
        });
        assertEquals(3, cache.size());
        assertEquals(0, cache.summingTables(), "an entry's memory doubled for good by an empty table");
        assertArrayEquals(new long[] {7, 1}, cache.get("bob@example.org", user -> new long[] {7, 1}));
        assertArrayEquals(new long[] {7, 1}, cache.get("bob@example.org", failing), "kept after a failed sum");
    }

    @Test
    void aFirstIndexingByAnotherThreadDuringASumMakesItNotKeptOneByTheSummingThreadDoesNot() throws Exception {
        UsageCache cache = new UsageCache(10);
        AtomicInteger sums = new AtomicInteger();
        UsageCache.Summer own = user -> {
            sums.incrementAndGet();
            cache.firstIndexed(user); // this sum indexes a folder first, and reads it after
            return new long[] {100, 5};
        };
        cache.get(ALICE, own);
        cache.get(ALICE, own);
        assertEquals(1, sums.get(), "kept");

        cache.forget(ALICE);
        sums.set(0);
        UsageCache.Summer other = user -> {
            if (sums.incrementAndGet() == 1) { // another session indexes a folder first, after this sum listed them
                Thread t = new Thread(() -> cache.firstIndexed(user));
                t.start();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return new long[] {100, 5};
            }
            return new long[] {150, 7}; // listed with the new folder
        };
        assertArrayEquals(new long[] {150, 7}, cache.get(ALICE, other), "summed again");
        assertArrayEquals(new long[] {150, 7}, cache.get(ALICE, other), "and kept");
        assertEquals(2, sums.get());
    }
}
