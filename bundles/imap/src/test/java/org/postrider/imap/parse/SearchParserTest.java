package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Flag;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.UidSet;

class SearchParserTest {
    /** Message n has UID 100 + n; 10 messages; 9 and 10 are \Recent. */
    static final SearchContext CONTEXT = new SearchContext() {
        @Override
        public SearchKey messageNumbers(SequenceSet set) {
            UidSet n = set.resolve(10, UidSet.of(2));
            UidSet.Builder b = new UidSet.Builder();
            for (int i = 0; i < n.rangeCount(); i++) {
                b.addRange(100 + n.rangeFrom(i), 100 + Math.min(10, n.rangeTo(i)));
            }
            return new SearchKey.Uids(b.build());
        }

        @Override
        public SearchKey uids(SequenceSet set) {
            return new SearchKey.Uids(set.resolve(110, UidSet.of(102)));
        }

        @Override
        public SearchKey recent(boolean recent) {
            return recent ? new SearchKey.Uids(UidSet.range(109, 110)) : new SearchKey.Not(recent(true));
        }
    };

    private static SearchRequest parse(String args) throws ImapSyntaxException {
        return new SearchParser(CONTEXT, 16, 100).parse(Tokens.args(("a SEARCH " + args).strip()));
    }

    @Test
    void rfc3501Example() throws ImapSyntaxException {
        // RFC 3501 6.4.4: SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"
        SearchRequest r = parse("FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
        assertEquals(new SearchKey.And(List.of(new SearchKey.HasFlag(Flag.FLAGGED, true),
                new SearchKey.Received(SearchKey.DateOp.SINCE, LocalDate.of(1994, 2, 1)),
                new SearchKey.Not(new SearchKey.Header("FROM", "Smith")))), r.key());
        assertEquals(null, r.charset());
        assertTrue(!r.extended());
        // RFC 3501: SEARCH TEXT "string not in mailbox"
        assertEquals(new SearchKey.Text("string not in mailbox"), parse("TEXT \"string not in mailbox\"").key());
    }

    @Test
    void orNotGroupsAndSequenceSets() throws ImapSyntaxException {
        SearchKey k = parse("OR (UNSEEN 2:3) NOT UID 105:* 1").key();
        assertEquals(new SearchKey.And(List.of(
                new SearchKey.Or(new SearchKey.And(List.of(new SearchKey.HasFlag(Flag.SEEN, false),
                        new SearchKey.Uids(UidSet.range(102, 103)))),
                        new SearchKey.Not(new SearchKey.Uids(UidSet.range(105, 110)))),
                new SearchKey.Uids(UidSet.of(101)))), k);
        assertEquals(new SearchKey.Uids(UidSet.of(102)), parse("UID $").key());
    }

    @Test
    void everyKeyParses() throws ImapSyntaxException {
        String all = "ALL ANSWERED BCC a BEFORE 1-Jan-2020 BODY b CC c DELETED DRAFT FLAGGED FROM f "
                + "HEADER X-Spam yes KEYWORD $Junk LARGER 10 NEW NOT SEEN OLD ON 29-Feb-2024 OR SEEN DRAFT RECENT SEEN "
                + "SENTBEFORE 1-Jan-2020 SENTON 1-Jan-2020 SENTSINCE 01-Jan-2020 SINCE 1-Jan-2020 SMALLER 5 "
                + "SUBJECT s TEXT t TO x UID 1:* UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNKEYWORD foo UNSEEN "
                + "MODSEQ 620162338 MODSEQ \"/flags/\\\\draft\" all 620162338 1,3";
        SearchKey k = parse(all).key();
        assertEquals(38, ((SearchKey.And) k).keys().size());
        assertEquals(new SearchKey.Header("X-Spam", "yes"), parse("HEADER X-Spam yes").key());
        assertEquals(new SearchKey.And(List.of(new SearchKey.Uids(UidSet.range(109, 110)),
                new SearchKey.HasFlag(Flag.SEEN, false))), parse("NEW").key());
    }

    @Test
    void charsetAndReturnOptions() throws ImapSyntaxException {
        SearchRequest r = parse("RETURN (MIN COUNT SAVE) CHARSET UTF-8 SUBJECT \"Grüße\"");
        assertEquals("UTF-8", r.charset());
        assertEquals(EnumSet.of(SearchRequest.ReturnOption.MIN, SearchRequest.ReturnOption.COUNT,
                SearchRequest.ReturnOption.SAVE), r.returnOptions());
        assertEquals(new SearchKey.Header("SUBJECT", "Grüße"), r.key());
        assertTrue(parse("RETURN () ALL").returnOptions().isEmpty());
        ImapSyntaxException e = assertThrows(ImapSyntaxException.class, () -> parse("CHARSET KOI8-R ALL"));
        assertEquals("[BADCHARSET (US-ASCII UTF-8)] unsupported charset", e.responseText());
    }

    @Test
    void badCriteriaAreRefused() {
        for (String bad : new String[] {"", "FOO", "SINCE 31-Feb-2020", "SINCE 1-Foo-2020", "SINCE 2020-01-01",
                "LARGER x", "LARGER 99999999999999999999", "OR SEEN", "NOT", "()", "UID 0", "KEYWORD \\Seen",
                "HEADER \"a:b\" x", "RETURN (FOO) ALL", "MODSEQ \"/x\" all 1", "MODSEQ \"/flags/x\" some 1",
                "SUBJECT ~{1}\r\nx"}) {
            assertThrows(ImapSyntaxException.class, () -> parse(bad), bad);
        }
    }

    @Test
    void deepNotChainsAreBoundedNotAStackOverflow() {
        ImapSyntaxException e = assertThrows(ImapSyntaxException.class, () -> parse("NOT ".repeat(5000) + "ALL"));
        assertEquals("search criteria nested too deep", e.getMessage());
        assertThrows(ImapSyntaxException.class, () -> parse("OR ".repeat(3000) + "ALL ".repeat(3001)));
    }
}
