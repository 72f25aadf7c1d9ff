package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Flag;

class MaildirNameTest {
    @Test
    void namesOfTodayCarryUidFolderIdKeyAndSize() {
        MaildirName n = MaildirName.parse("1732350000.M123456Q0f3a5b6c7d8e9f01F9c0e11d7U42.athena,S=1234:2,FS");
        assertEquals(42, n.uid());
        assertEquals("9c0e11d7", n.folderId());
        assertEquals("0f3a5b6c7d8e9f01", n.deliveryKey());
        assertEquals(1234, n.size());
        assertEquals(Set.of(Flag.FLAGGED, Flag.SEEN), n.flags());
    }

    @Test
    void namesOfTheFirstReleasesHaveNoFolderId() {
        MaildirName n = MaildirName.parse("1732350000.M123456Q0f3a5b6c7d8e9f01U42.athena,S=1234");
        assertEquals(42, n.uid());
        assertNull(n.folderId());
        assertEquals("0f3a5b6c7d8e9f01", n.deliveryKey());
    }

    @Test
    void namesOfOtherToolsHaveNone() {
        MaildirName n = MaildirName.parse("1700000000.M1P2.otherhost");
        assertEquals(-1, n.uid());
        assertNull(n.folderId());
        assertNull(n.deliveryKey());
        assertEquals(-1, n.size());
        assertEquals(-1, MaildirName.parse("1700000000.M1FzzzzzzzzU3x.h").uid());
        assertNull(MaildirName.parse("1700000000.M1FzzzzzzzzU3.h").folderId());
        assertNull(MaildirName.parse("x").folderId());
    }
    /**
     * Indexing 100,000 files of another tool parses each name: its flags are one of the 32
     * sets made once, not a set made per name (an EnumSet asked the enum for its constants each
     * time, 16% of the CPU of a first SELECT), and they compare as any set of those flags.
     */
    @Test
    void namesWithTheSameFlagLettersShareOneImmutableSet() {
        MaildirName a = MaildirName.parse("1700000000.M1P2.other,S=10:2,FRS");
        MaildirName b = MaildirName.parse("1700000001.M2P2.other,S=10:2,SRF");
        org.junit.jupiter.api.Assertions.assertSame(a.flags(), b.flags());
        assertEquals(Set.of(Flag.FLAGGED, Flag.ANSWERED, Flag.SEEN), a.flags());
        org.junit.jupiter.api.Assertions.assertSame(MaildirName.parse("1700000000.M1P2.other").flags(),
                MaildirName.parse("1700000000.M1P2.other:2,Pa").flags(), "no flags: one empty set");
        assertEquals(Set.of(), MaildirName.parse("1700000000.M1P2.other").flags());
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> a.flags().add(Flag.DRAFT), "shared, so not to be changed");
        for (int bits = 0; bits < 32; bits++) { // every combination, both ways
            Set<Flag> f = FlagSets.of(bits);
            assertEquals(bits, FlagSets.bits(f));
            assertEquals(f, MaildirName.flags(MaildirName.letters(f)));
        }
    }
}
