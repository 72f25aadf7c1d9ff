package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.postrider.api.store.UidSet;

/** The expunges a folder remembers for QRESYNC: a bounded number, the floor rising as old ones are forgotten. */
class TombstonesTest {
    @Test
    void theOldestAreForgottenPastTheCapAndTheFloorSaysSo() {
        Tombstones t = new Tombstones(3);
        for (long i = 1; i <= 5; i++) {
            t.add(10 + i, 100 + i); // UID 11..15 expunged at MODSEQ 101..105
        }
        assertEquals(3, t.size(), "at most the cap");
        assertEquals(102, t.floor(), "expunges at or below 102 may be forgotten");
        assertEquals(UidSet.of(13, 14, 15), t.since(102));
        assertEquals(UidSet.of(15), t.since(104));
        assertEquals(UidSet.empty(), t.since(105));
        for (int i = 0; i < t.size(); i++) {
            assertEquals(13 + i, t.uid(i));
            assertEquals(103 + i, t.modSeq(i));
        }
    }

    @Test
    void raisingTheFloorDropsWhatItCovers() {
        Tombstones t = new Tombstones(100);
        for (long i = 1; i <= 40; i++) { // past the first array growth
            t.add(i, i);
        }
        t.raiseFloor(30);
        assertEquals(10, t.size());
        assertEquals(30, t.floor());
        assertEquals(UidSet.range(31, 40), t.since(30));
        t.raiseFloor(5);
        assertEquals(30, t.floor(), "never goes down");
        assertEquals(10, t.size());
    }
}
