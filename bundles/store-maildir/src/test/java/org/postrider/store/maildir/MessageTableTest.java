package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.UidSet;

class MessageTableTest {
    @Test
    void keywordSetsNoMessageHasAnyMoreAreForgotten() {
        // A client that gives a message a new keyword set at every STORE must not make the
        // folder's memory grow for as long as it is open.
        MessageTable t = new MessageTable();
        for (int u = 1; u <= 100; u++) {
            t.put(u, u, 10, 0, 0, Set.of("own" + u), 0, 0);
        }
        long footprint = t.footprint();
        for (int i = 0; i < 100_000; i++) {
            t.change(i % 100, 1000 + i, 0, Set.of("kw" + i, "$Label" + (i % 7)), 0);
        }
        assertTrue(t.keywordSetCount() <= 2 * t.size() + 65, "keyword sets kept: " + t.keywordSetCount());
        assertTrue(t.footprint() < footprint + 200_000, "footprint grew to " + t.footprint());
        for (int r = 0; r < 100; r++) { // each message keeps its own
            int last = 100_000 - 100 + r;
            assertEquals(Set.of("kw" + last, "$Label" + (last % 7)), t.keywords(r));
        }
        t.remove(UidSet.range(1, 50));
        for (int i = 0; i < 1000; i++) {
            t.put(1000 + i, 1, 10, 0, 0, Set.of("new" + i), 0, 0);
        }
        for (int r = 0; r < 50; r++) {
            int last = 100_000 - 50 + r;
            assertEquals(Set.of("kw" + last, "$Label" + (last % 7)), t.keywords(r), "rows kept their sets");
        }
        assertEquals(Set.of("new999"), t.keywords(t.row(1999)));
        assertTrue(t.keywordSetCount() <= 2 * t.size() + 65);
    }

    @Test
    void keywordsCountInTheFootprintTheCacheBudgetsFor() {
        MessageTable t = new MessageTable();
        for (int u = 1; u <= 100; u++) {
            t.put(u, u, 10, 0, 0, Set.of("x".repeat(4000) + u), 0, 0);
        }
        assertTrue(t.footprint() >= 100 * 4000, "footprint " + t.footprint());
    }
    /**
     * FETCH FLAGS of a folder reads a MessageMeta per message: rows with the same flags give
     * it the same immutable set, which MessageMeta keeps as it is (it copies any other set),
     * so a message costs no set of its own.
     */
    @Test
    void metaOfRowsWithTheSameFlagsSharesOneSet() {
        MessageTable t = new MessageTable();
        int bits = MessageTable.SEEN | 1 << org.postrider.api.store.Flag.FLAGGED.ordinal();
        t.put(1, 1, 10, 0, bits, Set.of(), 0, 0);
        t.put(2, 2, 10, 0, bits, Set.of(), 0, 0);
        org.junit.jupiter.api.Assertions.assertSame(t.meta(0).flags(), t.meta(1).flags());
        assertEquals(Set.of(org.postrider.api.store.Flag.SEEN, org.postrider.api.store.Flag.FLAGGED),
                t.meta(0).flags());
    }
}
