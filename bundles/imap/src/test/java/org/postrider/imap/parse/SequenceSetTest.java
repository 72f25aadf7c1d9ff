package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.postrider.api.store.UidSet;

class SequenceSetTest {
    private static UidSet resolve(String s, long max) throws ImapSyntaxException {
        return SequenceSet.parse(s, 100).resolve(max, UidSet.of(4, 9));
    }

    @Test
    void rfcExamples() throws ImapSyntaxException {
        // RFC 9051 9, seq-number examples: "2:4" and "4:2" are the same, "*" is the largest number
        assertEquals("1:3,5,7:15", resolve("1:3,5,7:*", 15).toString());
        assertEquals(resolve("2:4", 15), resolve("4:2", 15));
        assertEquals("15", resolve("*", 15).toString());
        assertEquals("2,4:7,9,12:15", resolve("2,4:7,9,12:*", 15).toString());
        // "n:*" above the largest is "largest:n"
        assertEquals("10:20", resolve("20:*", 10).toString());
        assertEquals("4,9", resolve("$", 15).toString());
        assertTrue(SequenceSet.parse("$", 1).saved());
    }

    @Test
    void overlapsMergeAndEmptyMailboxGivesNothingForStar() throws ImapSyntaxException {
        assertEquals("1:10", resolve("5:10,1:6,3", 100).toString());
        assertEquals("", resolve("*", 0).toString());
        assertEquals("1:3", resolve("3:*", 0).toString());
    }

    @Test
    void malformedAndOversizedAreRefused() {
        for (String bad : new String[] {"", "0", "01", "1:", ":1", "1,,2", "1:2:3", "a", "4294967296", "1 2", "-1", "$,1"}) {
            assertThrows(ImapSyntaxException.class, () -> SequenceSet.parse(bad, 100), bad);
        }
        assertEquals(4294967295L, assertDoesNotThrow("4294967295").resolve(5, null).last());
        assertThrows(ImapSyntaxException.class, () -> SequenceSet.parse("1,2,3,4", 3));
    }

    private static SequenceSet assertDoesNotThrow(String s) {
        try {
            return SequenceSet.parse(s, 100);
        } catch (ImapSyntaxException e) {
            throw new AssertionError(s, e);
        }
    }

    @Test
    void looksLike() {
        assertTrue(SequenceSet.looksLike("1:*"));
        assertTrue(SequenceSet.looksLike("$"));
        assertTrue(!SequenceSet.looksLike("ALL"));
    }

    @Test
    void ascendingIsAsWritten() throws ImapSyntaxException {
        for (String up : new String[] {"1", "1:3", "1:3,5", "1,3:4,7:9"}) {
            assertTrue(SequenceSet.parse(up, 100).ascending(), up);
        }
        for (String not : new String[] {"3:1", "2,1", "1:3,3", "1:3,2:5", "*", "1:*", "$"}) {
            assertTrue(!SequenceSet.parse(not, 100).ascending(), not);
        }
    }
}
