package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.imap.parse.FetchItem.Section;
import org.postrider.imap.parse.FetchItem.Simple;

class FetchParserTest {
    private static FetchRequest parse(String line) throws ImapSyntaxException {
        ImapRequest r = Tokens.request(line);
        return FetchParser.parse(r.args(), r.uid(), 100);
    }

    @Test
    void rfcExampleAndMacros() throws ImapSyntaxException {
        // RFC 3501 6.4.5: FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])
        FetchRequest f = parse("a FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])");
        assertEquals("2:4", f.set().toString());
        assertEquals(List.of(Simple.FLAGS, new FetchItem.BodySection(
                new Section(List.of(), Section.Kind.HEADER_FIELDS, List.of("DATE", "FROM")), false, -1, -1)), f.items());
        assertEquals("BODY[HEADER.FIELDS (DATE FROM)]", f.items().get(1).responseName());
        assertEquals(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE),
                parse("a FETCH 1 ALL").items());
        assertEquals(3, parse("a FETCH 1 fast").items().size());
        assertEquals(List.of(Simple.FLAGS, Simple.INTERNALDATE, Simple.RFC822_SIZE, Simple.ENVELOPE, Simple.BODY),
                parse("a FETCH 1 FULL").items());
        assertEquals(-1, f.changedSince());
    }

    @Test
    void sectionsAndPartials() throws ImapSyntaxException {
        FetchRequest f = parse("a UID FETCH 1:* (BODY.PEEK[1.2.HEADER.FIELDS.NOT (From \"X-Y\")]<0.1024> BODY[] "
                + "BODY[2.MIME] BODY[3.TEXT]<10.5> BODY[1] BINARY.PEEK[1.2]<0.100> BINARY[] BINARY.SIZE[2] "
                + "RFC822 RFC822.HEADER RFC822.TEXT RFC822.SIZE BODYSTRUCTURE MODSEQ UID INTERNALDATE ENVELOPE)");
        List<FetchItem> it = f.items();
        assertEquals(new FetchItem.BodySection(new Section(List.of(1, 2), Section.Kind.HEADER_FIELDS_NOT,
                List.of("From", "X-Y")), true, 0, 1024), it.get(0));
        assertEquals("BODY[1.2.HEADER.FIELDS.NOT (From X-Y)]<0>", it.get(0).responseName());
        assertEquals("BODY[]", it.get(1).responseName());
        assertEquals("BODY[2.MIME]", it.get(2).responseName());
        assertEquals(new FetchItem.BodySection(new Section(List.of(3), Section.Kind.TEXT, List.of()), false, 10, 5),
                it.get(3));
        assertEquals("BODY[1]", it.get(4).responseName());
        assertEquals(new FetchItem.Binary(List.of(1, 2), true, 0, 100), it.get(5));
        assertEquals("BINARY[1.2]<0>", it.get(5).responseName());
        assertEquals("BINARY[]", it.get(6).responseName());
        assertEquals(new FetchItem.BinarySize(List.of(2)), it.get(7));
        assertEquals(List.of(Simple.RFC822, Simple.RFC822_HEADER, Simple.RFC822_TEXT, Simple.RFC822_SIZE,
                Simple.BODYSTRUCTURE, Simple.MODSEQ, Simple.UID, Simple.INTERNALDATE, Simple.ENVELOPE),
                it.subList(8, it.size()));
        assertTrue(Simple.RFC822.setsSeen());
    }

    @Test
    void condstoreModifiers() throws ImapSyntaxException {
        // RFC 7162 3.1.4.1 and 3.2.6
        FetchRequest f = parse("s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)");
        assertEquals(12345, f.changedSince());
        assertTrue(f.vanished());
        assertEquals(12345, parse("a FETCH 1:* (FLAGS) (CHANGEDSINCE 12345)").changedSince());
        assertThrows(ImapSyntaxException.class, () -> parse("a FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)"));
        assertThrows(ImapSyntaxException.class, () -> parse("a UID FETCH 1:* (FLAGS) (VANISHED)"));
        assertThrows(ImapSyntaxException.class, () -> parse("a UID FETCH 1:* FLAGS (FOO 1)"));
    }

    @Test
    void malformedItemsAreRefused() {
        for (String bad : new String[] {"FOO", "BODY[]<0>", "BODY[]<0.0>", "BODY[]<a.1>", "BODY[0]",
                "BODY[1.]", "BODY[.1]", "BODY[MIME]", "BODY[HEADER.FIELDS ()]", "BODY[HEADER.FIELDS (a:b)]",
                "BODY[HEADER.FIELDS (a  b)]", "BODY[HEADER.FIELDS a]", "BODY[1.FOO]", "BINARY[1.TEXT]",
                "BINARY.SIZE[1]<0.1>", "BODY[HEADER]x", "()", "(ALL)", "\"FLAGS\"",
                "BODY[" + "1.".repeat(40) + "1]"}) {
            assertThrows(ImapSyntaxException.class, () -> parse("a FETCH 1 " + bad), bad);
        }
        assertThrows(ImapSyntaxException.class, () -> parse("a FETCH 1 FLAGS extra"));
        assertThrows(ImapSyntaxException.class, () -> parse("a FETCH x FLAGS"));
    }
}
