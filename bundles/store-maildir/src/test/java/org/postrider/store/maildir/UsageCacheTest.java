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
}
