package org.postrider.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageIdsTest {
    @Test
    void idsBetweenBrackets() {
        assertEquals("a@b", MessageIds.first("<a@b>"));
        assertEquals("a@b", MessageIds.first("  (comment) <a@b> <c@d>"));
        assertEquals("a@b", MessageIds.first("<a@\r\n b>"), "folding inside an id");
        assertEquals("b@c", MessageIds.first("<a <b@c>"), "an unclosed bracket before a real id");
        assertNull(MessageIds.first("a@b"));
        assertNull(MessageIds.first("<>"));
        assertNull(MessageIds.first("<a@b"));
        assertNull(MessageIds.first(null));
        assertNull(MessageIds.first("<" + "x".repeat(MessageIds.MAX_LENGTH + 1) + ">"));
        assertEquals("x".repeat(MessageIds.MAX_LENGTH), MessageIds.first("<" + "x".repeat(MessageIds.MAX_LENGTH) + ">"));
    }

    @Test
    void theLastOnesInOrder() {
        assertEquals(List.of("1@x", "2@x", "3@x"), MessageIds.last("<1@x> <2@x>\t<3@x>", 5));
        assertEquals(List.of("2@x", "3@x"), MessageIds.last("<1@x> <2@x> <3@x>", 2));
        assertEquals(List.of(), MessageIds.last("", 2));
        assertEquals(List.of("1@x", "2@x"), MessageIds.last("<1@x> <> junk <2@x> <3", 5));
    }

    @Test
    void linear() {
        String s = "<".repeat(500_000);
        assertEquals(List.of(), MessageIds.last(s, 32));
        String t = "<a@b> ".repeat(200_000);
        assertEquals(32, MessageIds.last(t, 32).size());
    }
}
