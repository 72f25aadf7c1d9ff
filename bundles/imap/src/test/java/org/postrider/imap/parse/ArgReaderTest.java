package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ArgReaderTest {
    @Test
    void appendArguments() throws ImapSyntaxException {
        // RFC 3501 6.3.11 example, with a date-time as RFC 3501 9 writes it
        ArgReader r = new ArgReader(Tokens.args("A003 APPEND saved-messages (\\Seen) \"17-Jul-1996 02:44:25 -0700\" {3+}\r\nabc"));
        assertEquals("saved-messages", r.astring());
        assertEquals("\\Seen", r.list().items().get(0).stringValue());
        assertEquals(OffsetDateTime.of(1996, 7, 17, 2, 44, 25, 0, ZoneOffset.ofHours(-7)), ArgReader.dateTime(r.astring()));
        assertTrue(r.next() instanceof ImapToken.Literal l && l.size() == 3);
        r.end();
        assertEquals(OffsetDateTime.of(1994, 2, 7, 21, 52, 25, 0, ZoneOffset.ofHours(-8)),
                ArgReader.dateTime(" 7-Feb-1994 21:52:25 -0800"));
    }

    @Test
    void datesAndNumbers() throws ImapSyntaxException {
        assertEquals(LocalDate.of(1994, 2, 1), ArgReader.date("1-Feb-1994"));
        assertEquals(LocalDate.of(1994, 2, 1), ArgReader.date("01-feb-1994"));
        for (String bad : new String[] {"1-Feb-94", "32-Jan-2020", "1-Fev-2020", "1 Feb 2020", "-Feb-2020", "111-Feb-2020"}) {
            assertThrows(ImapSyntaxException.class, () -> ArgReader.date(bad), bad);
        }
        for (String bad : new String[] {"7-Feb-1994 21:52:25 -0800", "07-Feb-1994 25:52:25 -0800",
                "07-Feb-1994 21:52:25 -0860", "07-Feb-1994 21:52:25 +9900", "07-Feb-1994T21:52:25 -0800"}) {
            assertThrows(ImapSyntaxException.class, () -> ArgReader.dateTime(bad), bad);
        }
        assertEquals(4294967295L, new ArgReader(Tokens.args("a X 4294967295")).number());
        assertThrows(ImapSyntaxException.class, () -> new ArgReader(Tokens.args("a X 4294967296")).number());
        assertEquals(Long.MAX_VALUE, new ArgReader(Tokens.args("a X 9223372036854775807")).number64());
        assertThrows(ImapSyntaxException.class, () -> new ArgReader(Tokens.args("a X 9223372036854775808")).number64());
        assertThrows(ImapSyntaxException.class, () -> new ArgReader(Tokens.args("a X")).atom());
    }

    @Test
    void stringsRefuseWhatAStringCannotHold() {
        assertNull(Tokens.args("a X BODY[HEADER.FIELDS (A B)]").get(0).stringValue());
        assertNull(Tokens.args("a X ~{1}\r\nx").get(0).stringValue());
        assertEquals("[Gmail]/Sent", Tokens.args("a X [Gmail]/Sent").get(0).stringValue());
        assertThrows(ImapSyntaxException.class, () -> new ArgReader(Tokens.args("a X (a)")).astring());
    }
}
