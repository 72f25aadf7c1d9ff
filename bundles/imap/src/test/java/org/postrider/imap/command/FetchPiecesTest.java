package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.UidSet;

/** FETCH reads the index a piece at a time: the pieces cover the set, in order, each at most the bound. */
class FetchPiecesTest {
    @Test
    void piecesCoverTheSetInOrderEachBounded() {
        UidSet.Builder b = new UidSet.Builder().addRange(1, 10_000).add(10_002).addRange(20_000, 20_999)
                .add(4_000_000_000L);
        UidSet set = b.build();
        List<UidSet> pieces = Fetch.pieces(set, Fetch.PIECE);
        List<Long> all = new ArrayList<>();
        long last = 0;
        for (UidSet p : pieces) {
            assertTrue(p.size() <= Fetch.PIECE && p.size() > 0, p.toString());
            assertTrue(p.first() > last, "in order");
            last = p.last();
            p.forEach(all::add);
        }
        List<Long> expected = new ArrayList<>();
        set.forEach(expected::add);
        assertEquals(expected, all);
        assertEquals(List.of(), Fetch.pieces(UidSet.empty(), 5));
        assertEquals(List.of(UidSet.range(1, 5), UidSet.range(6, 10)), Fetch.pieces(UidSet.range(1, 10), 5));
    }
}
