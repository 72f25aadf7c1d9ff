package org.postrider.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.UidSet;

class SelectedTest {
    private static Selected session(long... uids) {
        UidSet.Builder b = new UidSet.Builder();
        for (long u : uids) {
            b.add(u);
        }
        return new Selected(new FolderRef("alice@example.org", "INBOX", 7), false, b.build(), 1, UidSet.of());
    }

    @Test
    void knownIsTheSessionsUidsInTheSet() {
        Selected s = session(2, 3, 5, 8, 13, 21, 34);
        assertEquals("3,5,21", s.known(new UidSet.Builder().addRange(3, 7).addRange(9, 12).addRange(20, 30).build()).toString());
        assertEquals("", s.known(UidSet.of()).toString());
        assertEquals("", s.known(new UidSet.Builder().add(1).add(4).addRange(35, 100).build()).toString(), "UIDs the session never knew");
        assertEquals("2:3,5,8,13,21,34", s.known(UidSet.range(1, 4294967295L)).toString());
    }

    @Test
    void knownAgreesWithAMessageByMessageLookForRandomSets() {
        Random r = new Random(12);
        for (int round = 0; round < 200; round++) {
            UidSet.Builder mine = new UidSet.Builder();
            UidSet.Builder asked = new UidSet.Builder();
            for (long u = 1; u <= 300; u++) {
                if (r.nextInt(3) == 0) {
                    mine.add(u);
                }
                if (r.nextInt(4) == 0) {
                    asked.add(u);
                }
            }
            UidSet m = mine.build();
            UidSet a = asked.build();
            UidSet.Builder expected = new UidSet.Builder();
            for (long u = 1; u <= 300; u++) {
                if (m.contains(u) && a.contains(u)) {
                    expected.add(u);
                }
            }
            Selected s = new Selected(new FolderRef("alice@example.org", "INBOX", 7), false, m, 1, UidSet.of());
            assertEquals(expected.build().toString(), s.known(a).toString(), "session " + m + ", asked " + a);
        }
    }
}
