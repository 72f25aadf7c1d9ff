package org.postrider.pop3.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3ParserTest {
    @Test
    void parsesKeywordsCaseInsensitivelyWithArguments() throws Exception {
        assertEquals(new Pop3Request("STAT", List.of()), Pop3Parser.parse("stat"));
        assertEquals(new Pop3Request("TOP", List.of("1", "10")), Pop3Parser.parse("TOP 1 10"));
        assertEquals(new Pop3Request("USER", List.of("alice@example.org")), Pop3Parser.parse("User alice@example.org"));
        assertEquals("pass with spaces", Pop3Parser.rest("PASS pass with spaces"));
    }

    @Test
    void refusesWhatIsNotAPop3Command() {
        for (String bad : new String[] {"", "X", "TOOLONG", "ST4T", "LIST\0", "RETR 1\u0007", "GET / HTTP/1.1 x x x x x x x x",
            "RETR " + "9".repeat(2000)}) {
            assertThrows(Pop3Parser.Invalid.class, () -> Pop3Parser.parse(bad), bad);
        }
    }

    @Test
    void messageNumbersAreBounded() {
        assertEquals(3, Pop3Parser.messageNumber("3", 5));
        assertNull(Pop3Parser.messageNumber("0", 5));
        assertNull(Pop3Parser.messageNumber("6", 5));
        assertNull(Pop3Parser.messageNumber("-1", 5));
        assertNull(Pop3Parser.messageNumber("99999999999", 5));
        assertNull(Pop3Parser.messageNumber("1e3", 5000));
    }
}
