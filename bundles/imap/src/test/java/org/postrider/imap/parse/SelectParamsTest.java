package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.UidSet;

class SelectParamsTest {
    private static SelectParams parse(String params) throws ImapSyntaxException {
        List<ImapToken> args = Tokens.args("a SELECT INBOX " + params);
        return SelectParams.parse((ImapToken.ListOf) args.get(1), 100);
    }

    private static UidSet set(String s) throws ImapSyntaxException {
        return SequenceSet.parse(s, 100).resolve(0, UidSet.empty());
    }

    @Test
    void rfc7162Examples() throws ImapSyntaxException {
        // RFC 7162 3.2.5.1
        SelectParams.Qresync q = parse("(QRESYNC (67890007 20050715194045000 41,43:211,214:541))").qresync();
        assertEquals(new SelectParams.Qresync(67890007, 20050715194045000L, set("41,43:211,214:541"), null, null), q);
        assertTrue(q.known(43) && !q.known(42) && !q.known(542));
        // RFC 7162 3.2.5.2
        q = parse("(QRESYNC (67890007 90060115194045000 41:211,214:541 (1:10,16:20 41:50,201:205)))").qresync();
        assertEquals(set("1:10,16:20"), q.matchSequence());
        assertEquals(set("41:50,201:205"), q.matchUids());
        // no known-uids: every UID is asked about; seq-match-data alone is allowed by the grammar
        q = parse("(QRESYNC (1 2))").qresync();
        assertTrue(q.known(1) && q.known(4294967295L));
        assertNull(q.knownUids());
        assertEquals(set("3"), parse("(QRESYNC (1 2 (3 7)))").qresync().matchSequence());
    }

    @Test
    void condstoreAndCaseAreAccepted() throws ImapSyntaxException {
        SelectParams p = parse("(condstore)");
        assertTrue(p.condstore());
        assertNull(p.qresync());
        p = parse("(CONDSTORE qresync (1 2 1:5))");
        assertTrue(p.condstore());
        assertEquals(1, p.qresync().uidValidity());
        assertFalse(parse("(QRESYNC (1 2))").condstore());
    }

    @Test
    void malformedParametersAreRefused() {
        for (String bad : new String[] {"()", "(FOO)", "(CONDSTORE CONDSTORE)", "(QRESYNC)", "(QRESYNC 1 2)",
                "(QRESYNC ())", "(QRESYNC (1))", "(QRESYNC (0 1))", "(QRESYNC (01 1))", "(QRESYNC (1 0))",
                "(QRESYNC (4294967296 1))", "(QRESYNC (1 9223372036854775808))", "(QRESYNC (x 1))",
                "(QRESYNC (1 2) QRESYNC (1 2))", "(QRESYNC (1 2 1:*))", "(QRESYNC (1 2 $))", "(QRESYNC (1 2 0))",
                "(QRESYNC (1 2 1:5 (1:2 3:4) extra))", "(QRESYNC (1 2 (1:2)))", "(QRESYNC (1 2 (1:2 3:4 5)))",
                "(QRESYNC (1 2 (1:3 4:5)))", "(QRESYNC (1 2 (2,1 4,5)))", "(QRESYNC (1 2 (1,2 5:4)))",
                "(QRESYNC (1 2 (1:2,2:3 4:7)))", "(QRESYNC (1 2 (1:* 4:7)))", "(QRESYNC (1 2 ($ 4)))",
                "(QRESYNC (1 2 \"1:5\"))", "(QRESYNC (1 2 1:5 1:5))", "(QRESYNC (1 2 (1 2) 1:5))"}) {
            assertThrows(ImapSyntaxException.class, () -> parse(bad), bad);
        }
    }

    @Test
    void knownSetsAreBoundedByTheRangeLimit() {
        // 150 ranges, the bound here is 100
        String many = java.util.stream.IntStream.range(0, 150).mapToObj(i -> String.valueOf(2 * i + 1))
                .collect(java.util.stream.Collectors.joining(","));
        assertThrows(ImapSyntaxException.class, () -> parse("(QRESYNC (1 2 " + many + "))"));
        assertThrows(ImapSyntaxException.class, () -> parse("(QRESYNC (1 2 (" + many + " " + many + ")))"));
    }

    @Test
    void aMatchingPairShowsNothingBelowItWasExpunged() throws ImapSyntaxException {
        // the client knew UIDs 41:50 as messages 1:10 and 201:205 as 16:20
        SelectParams.Qresync q = parse("(QRESYNC (1 2 (1:10,16:20 41:50,201:205)))").qresync();
        // now: 41:50 still 1:10, UIDs 51:55 were expunged, so 201:205 are 11:15
        long[] now = {41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 201, 202, 203, 204, 205};
        assertEquals(50, q.unchangedUpTo(n -> now[(int) n - 1], now.length));
        // nothing expunged: the highest pair matches
        long[] same = {41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 201, 202, 203, 204, 205};
        assertEquals(205, q.unchangedUpTo(n -> same[(int) n - 1], same.length));
        // message 1 expunged: no pair matches
        long[] first = {42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 201, 202, 203, 204, 205};
        assertEquals(0, q.unchangedUpTo(n -> first[(int) n - 1], first.length));
        // no seq-match-data: nothing is known untouched
        assertEquals(0, parse("(QRESYNC (1 2))").qresync().unchangedUpTo(n -> n, 10));
    }

    @Test
    void pairsAreCheckedAtRangeEndsOnly() throws ImapSyntaxException {
        // a billion pairs cost a check at each range end: (999999999, 999999999), (1000000000, 1000000001),
        // (1000000002, 1000000002)
        SelectParams.Qresync q = parse("(QRESYNC (1 2 (1:1000000000,1000000002 1:999999999,1000000001:1000000002)))")
                .qresync();
        List<Long> asked = new java.util.ArrayList<>();
        long best = q.unchangedUpTo(n -> {
            asked.add(n);
            return n;
        }, 2_000_000_000L);
        assertTrue(asked.size() <= 4, asked::toString);
        assertEquals(List.of(999_999_999L, 1_000_000_000L, 1_000_000_002L), asked);
        assertEquals(1_000_000_002, best); // the middle pair does not match n -> n, the last does
    }
}
