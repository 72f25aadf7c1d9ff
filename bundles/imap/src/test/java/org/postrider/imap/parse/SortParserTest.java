package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Flag;
import org.postrider.api.store.SearchKey;
import org.postrider.imap.parse.SortRequest.Criterion;
import org.postrider.imap.parse.SortRequest.Key;

class SortParserTest {
    private static final SortParser PARSER = new SortParser(new SearchParser(SearchParserTest.CONTEXT, 16, 100));

    private static SortRequest sort(String args) throws ImapSyntaxException {
        return PARSER.sort(Tokens.args("a SORT " + args));
    }

    private static ThreadRequest thread(String args) throws ImapSyntaxException {
        return PARSER.thread(Tokens.args("a THREAD " + args));
    }

    @Test
    void rfc5256Examples() throws ImapSyntaxException {
        // RFC 5256 4: SORT (SUBJECT) UTF-8 SINCE 1-Feb-1994
        SortRequest s = sort("(SUBJECT) UTF-8 SINCE 1-Feb-1994");
        assertEquals(List.of(new Criterion(Key.SUBJECT, false)), s.criteria());
        assertEquals("UTF-8", s.charset());
        assertEquals(new SearchKey.Received(SearchKey.DateOp.SINCE, java.time.LocalDate.of(1994, 2, 1)), s.key());
        assertNull(s.returnOptions());
        // SORT (REVERSE DATE) UTF-8 ALL
        assertEquals(List.of(new Criterion(Key.DATE, true)), sort("(REVERSE DATE) UTF-8 ALL").criteria());
        // THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000
        ThreadRequest t = thread("ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000");
        assertEquals(ThreadRequest.Algorithm.ORDEREDSUBJECT, t.algorithm());
        // THREAD REFERENCES US-ASCII TEXT "gewp"
        t = thread("references us-ascii TEXT \"gewp\"");
        assertEquals(ThreadRequest.Algorithm.REFERENCES, t.algorithm());
        assertEquals("US-ASCII", t.charset());
        assertEquals(new SearchKey.Text("gewp"), t.key());
    }

    @Test
    void everyKeyAndSeveralCriteria() throws ImapSyntaxException {
        SortRequest s = sort("(arrival cc REVERSE date from REVERSE size subject to displayfrom REVERSE displayto) "
                + "\"utf-8\" UNSEEN FLAGGED");
        assertEquals(List.of(new Criterion(Key.ARRIVAL, false), new Criterion(Key.CC, false),
                new Criterion(Key.DATE, true), new Criterion(Key.FROM, false), new Criterion(Key.SIZE, true),
                new Criterion(Key.SUBJECT, false), new Criterion(Key.TO, false), new Criterion(Key.DISPLAYFROM, false),
                new Criterion(Key.DISPLAYTO, true)), s.criteria());
        assertEquals(new SearchKey.And(List.of(new SearchKey.HasFlag(Flag.SEEN, false),
                new SearchKey.HasFlag(Flag.FLAGGED, true))), s.key());
    }

    @Test
    void esortReturn() throws ImapSyntaxException {
        SortRequest s = sort("RETURN (MIN COUNT) (DATE) UTF-8 ALL");
        assertEquals(Set.of(SearchRequest.ReturnOption.MIN, SearchRequest.ReturnOption.COUNT), s.returnOptions());
        assertEquals(Set.of(), sort("RETURN () (DATE) UTF-8 ALL").returnOptions());
    }

    @Test
    void refusals() {
        assertThrows(ImapSyntaxException.class, () -> sort("() UTF-8 ALL"), "no keys");
        assertThrows(ImapSyntaxException.class, () -> sort("(REVERSE) UTF-8 ALL"));
        assertThrows(ImapSyntaxException.class, () -> sort("(REVERSE REVERSE DATE) UTF-8 ALL"));
        assertThrows(ImapSyntaxException.class, () -> sort("(NAME) UTF-8 ALL"));
        assertThrows(ImapSyntaxException.class, () -> sort("DATE UTF-8 ALL"), "criteria are a list");
        assertThrows(ImapSyntaxException.class, () -> sort("(DATE) ALL"), "the charset is not optional");
        assertThrows(ImapSyntaxException.class, () -> sort("(DATE) UTF-8"), "nor are the search criteria");
        assertThrows(ImapSyntaxException.class, () -> sort("(DATE (x)) UTF-8 ALL"));
        assertThrows(ImapSyntaxException.class, () -> sort("RETURN (PARTIAL) (DATE) UTF-8 ALL"));
        assertThrows(ImapSyntaxException.class, () -> sort(("(" + "DATE ".repeat(SortParser.MAX_CRITERIA + 1)).strip()
                + ") UTF-8 ALL"));
        assertThrows(ImapSyntaxException.class, () -> thread("SUBJECT UTF-8 ALL"), "unknown algorithm");
        assertThrows(ImapSyntaxException.class, () -> thread("(REFERENCES) UTF-8 ALL"));
        assertThrows(ImapSyntaxException.class, () -> thread("REFERENCES UTF-8"));
    }

    @Test
    void otherCharsetsAreBadcharset() {
        ImapSyntaxException e = assertThrows(ImapSyntaxException.class, () -> sort("(DATE) ISO-8859-1 ALL"));
        assertEquals(SearchParser.BADCHARSET, e.code());
        e = assertThrows(ImapSyntaxException.class, () -> thread("REFERENCES KOI8-R ALL"));
        assertEquals(SearchParser.BADCHARSET, e.code());
    }
}
