package org.postrider.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CollationTest {
    @Test
    void asciiCasemap() {
        assertEquals("ABC-Ä-é", Collation.key("abc-Ä-é"), "only ASCII letters fold");
        assertEquals(0, Collation.compare(Collation.key("Hello"), Collation.key("hELLO")));
        assertTrue(Collation.compare(Collation.key("a"), Collation.key("B")) < 0);
        assertTrue(Collation.compare("", "A") < 0);
        assertTrue(Collation.compare("AB", "A") > 0);
    }

    @Test
    void codePointOrderAsUtf8Octets() {
        String astral = new String(Character.toChars(0x1F600));
        assertTrue(Collation.compare(astral, "\uFFFD") > 0, "U+1F600 sorts after U+FFFD, as in UTF-8");
        assertTrue(Collation.compare("\uE000", "\u00FF") > 0);
    }

    @Test
    void keysAreCut() {
        assertEquals(Collation.MAX_KEY, Collation.key("a".repeat(5000)).length());
        String halfPair = "a".repeat(Collation.MAX_KEY - 1) + new String(Character.toChars(0x1F600));
        assertEquals(Collation.MAX_KEY - 1, Collation.key(halfPair).length(), "no lone surrogate at the cut");
        assertEquals("", Collation.key(null));
    }
}
