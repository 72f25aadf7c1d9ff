package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapSyntaxException;

/** LIST's arguments (RFC 5258, 5819) and its wildcard patterns. */
class ListQueryTest {
    private static ListQuery list(String line) throws ImapSyntaxException {
        return ListQuery.parse(new ArgReader(Args.of(line)), false, false);
    }

    @Test
    void basicListIsNotExtended() throws Exception {
        ListQuery q = list("a LIST \"\" *");
        assertFalse(q.extended());
        assertEquals(List.of("*"), q.patterns());
        assertEquals(List.of(), q.statusItems());
    }

    @Test
    void selectionOptionsPatternsAndReturnOptions() throws Exception {
        ListQuery q = list("a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (\"%\" \"Work/*\") RETURN (CHILDREN STATUS (MESSAGES unseen))");
        assertTrue(q.extended());
        assertTrue(q.selectSubscribed());
        assertTrue(q.recursiveMatch());
        assertEquals(List.of("%", "Work/*"), q.patterns());
        assertEquals(List.of("MESSAGES", "UNSEEN"), q.statusItems());
        assertTrue(list("a LIST (special-use) \"\" *").selectSpecialUse());
        assertTrue(list("a LIST \"\" * RETURN ()").extended());
        assertEquals("Entw\u00fcrfe", list("a LIST \"\" Entw&APw-rfe").patterns().get(0));
    }

    @Test
    void refusesWhatTheGrammarDoesNotAllow() throws Exception {
        for (String line : List.of("a LIST (RECURSIVEMATCH) \"\" *", "a LIST (BOGUS) \"\" *",
                "a LIST \"\" * RETURN (BOGUS)", "a LIST \"\" * RETURN (STATUS)", "a LIST \"\" * RETURN (STATUS (BOGUS))",
                "a LIST \"\" * RETURN", "a LIST \"\" * EXTRA (x)", "a LIST \"\" ()", "a LIST \"\" * RETURN () x",
                "a LIST \"\" (\"a\" (b))", "a LIST \"\" &Jjo")) {
            assertThrows(ImapSyntaxException.class, () -> list(line), line);
        }
        StringBuilder many = new StringBuilder("a LIST \"\" (");
        for (int i = 0; i <= ListQuery.MAX_PATTERNS; i++) {
            many.append(i == 0 ? "" : " ").append('p').append(i);
        }
        assertThrows(ImapSyntaxException.class, () -> list(many + ")"));
        assertThrows(ImapSyntaxException.class, () -> list("a LIST \"\" " + "*a".repeat(513)));
        assertEquals(1, list("a LIST \"\" " + "*a".repeat(512)).patterns().size());
        assertEquals(ListQuery.MAX_PATTERNS, list(many.substring(0, many.lastIndexOf(" ")) + ")").patterns().size());
    }

    @Test
    void lsubTakesNoExtendedSyntax() throws Exception {
        assertThrows(ImapSyntaxException.class,
                () -> ListQuery.parse(new ArgReader(Args.of("a LSUB \"\" * RETURN ()")), false, true));
        assertEquals(List.of("%"), ListQuery.parse(new ArgReader(Args.of("a LSUB \"\" %")), false, true).patterns());
    }

    @Test
    void starMatchesAnythingPercentStopsAtTheSeparator() {
        MailboxPattern star = new MailboxPattern("*");
        MailboxPattern pct = new MailboxPattern("%");
        assertTrue(star.matches("a/b/c"));
        assertTrue(pct.matches("abc"));
        assertFalse(pct.matches("a/b"));
        assertTrue(new MailboxPattern("a/%").matches("a/b"));
        assertFalse(new MailboxPattern("a/%").matches("a/b/c"));
        assertTrue(new MailboxPattern("a/%/c").matches("a/b/c"));
        assertTrue(new MailboxPattern("*c").matches("abc"));
        assertFalse(new MailboxPattern("*d").matches("abc"));
        assertTrue(new MailboxPattern("a%").matches("a"));
        assertFalse(new MailboxPattern("a").matches("ab"));
        assertTrue(new MailboxPattern("inbox").matches("INBOX"));
        assertTrue(new MailboxPattern("Inbox/%").matches("INBOX/x"));
        assertFalse(new MailboxPattern("inboxes").matches("INBOXes"));
        assertTrue(new MailboxPattern("").matches(""));
    }

    @Test
    @Timeout(5)
    void manyWildcardsCostNoMoreThanPatternTimesName() {
        MailboxPattern evil = new MailboxPattern("*a".repeat(2000) + "b");
        assertFalse(evil.matches("a".repeat(5000)));
        assertTrue(new MailboxPattern("%a".repeat(2000)).matches("a".repeat(4000)));
    }
}
