package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.UidSet;
import org.postrider.imap.Selected;

class VanishedTest {
    private static final FolderRef REF = new FolderRef("cora@example.org", "INBOX", 7);

    @Test
    void theStoresVanishedWithinWhatTheClientAskedAbout() {
        Selected sel = new Selected(REF, false, UidSet.of(2, 6, 9), 50, UidSet.empty());
        UidSet vanished = UidSet.of(1, 3, 4, 5, 7, 8, 10);
        assertEquals("1,3:5,7:8,10", Vanished.earlier(sel, vanished, null, 0).toString());
        // known-uids 3:8
        assertEquals("3:5,7:8", Vanished.earlier(sel, vanished, UidSet.range(3, 8), 0).toString());
        // seq-match-data showed nothing at or below 4 was expunged
        assertEquals("5,7:8", Vanished.earlier(sel, vanished, UidSet.range(3, 8), 4).toString());
    }

    @Test
    void neverAUidTheSessionStillShows() {
        // 6 was expunged after this session read the UIDs: it is told as a plain VANISHED later
        Selected sel = new Selected(REF, false, UidSet.of(2, 6, 9), 50, UidSet.empty());
        assertEquals("5,7", Vanished.earlier(sel, UidSet.range(5, 7), null, 0).toString());
        assertEquals("", Vanished.earlier(sel, UidSet.of(2, 9), null, 0).toString());
    }

    @Test
    void rangeOperationsAgreeWithSets() {
        Random r = new Random(7162);
        for (int round = 0; round < 2000; round++) {
            TreeSet<Long> a = random(r);
            TreeSet<Long> b = random(r);
            TreeSet<Long> both = new TreeSet<>(a);
            both.retainAll(b);
            TreeSet<Long> onlyA = new TreeSet<>(a);
            onlyA.removeAll(b);
            assertEquals(UidSet.of(both), Vanished.intersect(UidSet.of(a), UidSet.of(b)), a + " & " + b);
            assertEquals(UidSet.of(onlyA), Vanished.minus(UidSet.of(a), UidSet.of(b)), a + " - " + b);
        }
    }

    @Test
    void rangesAreNotExpanded() {
        UidSet huge = UidSet.range(1, 4_000_000_000L);
        assertEquals("1:9,11:3999999999", Vanished.minus(huge, UidSet.of(10, 4_000_000_000L)).toString());
        assertEquals("10:20", Vanished.intersect(huge, UidSet.range(10, 20)).toString());
    }

    @Test
    void aLargeSetIsToldInLinesOfBoundedRanges() {
        assertEquals(java.util.List.of(), Vanished.lines("* VANISHED ", UidSet.empty(), 2));
        assertEquals(java.util.List.of("* VANISHED 1:3,5"), Vanished.lines("* VANISHED ", UidSet.of(1, 2, 3, 5), 2));
        assertEquals(java.util.List.of("* VANISHED 1,3", "* VANISHED 5,7", "* VANISHED 9:10"),
                Vanished.lines("* VANISHED ", UidSet.of(1, 3, 5, 7, 9, 10), 2));
        UidSet.Builder b = new UidSet.Builder();
        for (long u = 1; u <= 2 * 2500; u += 2) {
            b.add(u);
        }
        java.util.List<String> lines = Vanished.lines("* VANISHED (EARLIER) ", b.build(), Vanished.RANGES_PER_LINE);
        assertEquals(3, lines.size());
        assertEquals(b.build(), UidSet.of(lines.stream()
                .flatMap(l -> java.util.Arrays.stream(l.substring(21).split(",")))
                .map(Long::valueOf).toList()));
    }

    private static TreeSet<Long> random(Random r) {
        TreeSet<Long> s = new TreeSet<>();
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            s.add(1L + r.nextInt(30));
        }
        return s;
    }
}
