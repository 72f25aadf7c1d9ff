package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** The checkpoint tables: bounded per file, kept in a cache bounded by the checkpoints it holds. */
class CrlfCheckpointsTest {
    /** The table a conversion of {@code size} octets of bare-LF lines records with {@code stride}. */
    private static CrlfCheckpoints table(int size, int stride) throws Exception {
        byte[] lf = new byte[size];
        for (int i = 0; i < size; i++) {
            lf[i] = (byte) (i % 8 == 7 ? '\n' : 'x');
        }
        CrlfView.Converting c = new CrlfView.Converting(new ByteArrayInputStream(lf), 64,
                CrlfCheckpoints.none(stride, size), -1);
        c.skip(Long.MAX_VALUE);
        return c.checkpoints();
    }

    @Test
    void aFileHasAtMostMaxPerFileCheckpoints() throws Exception {
        CrlfCheckpoints t = table(CrlfCheckpoints.MAX_PER_FILE * 2 + 5, 1);
        assertEquals(CrlfCheckpoints.MAX_PER_FILE, t.count());
        assertEquals(CrlfCheckpoints.MAX_PER_FILE, t.raw().length, "no more memory than its checkpoints");
        assertEquals(CrlfCheckpoints.MAX_PER_FILE - 1, t.before(Long.MAX_VALUE));
        assertEquals(-1, t.before(0), "before the first: the start");
        assertEquals(0, t.before(1), "the view at file offset 1 is at 1");
    }

    @Test
    void theCacheHoldsAtMostItsCheckpointsLeastRecentlyUsedGoingFirst() throws Exception {
        CrlfCheckpoints.Cache cache = new CrlfCheckpoints.Cache(100);
        CrlfCheckpoints forty = table(41 * 8, 8); // 40 checkpoints
        cache.put("a", forty);
        cache.put("b", forty);
        assertSame(forty, cache.get("a", forty.fileSize())); // a is used last: b goes first
        cache.put("c", forty);
        assertTrue(cache.held() <= 100, "held " + cache.held());
        assertSame(forty, cache.get("a", forty.fileSize()));
        assertSame(forty, cache.get("c", forty.fileSize()));
        assertEquals(0, cache.get("b", forty.fileSize()).count(), "evicted");
        assertEquals(0, cache.get("a", forty.fileSize() + 1).count(), "a table of another file length is not used");
        cache.put("huge", table(201 * 8, 8));
        assertTrue(cache.held() <= 100, "a table larger than the cache is not kept: " + cache.held());
    }
}
