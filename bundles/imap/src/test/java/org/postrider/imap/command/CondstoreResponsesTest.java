package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.UidSet;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.SearchParser;
import org.postrider.imap.parse.SequenceSet;

/**
 * STORE's answers before and after CONDSTORE is enabled (RFC 7162 3.1, 3.1.3), and which
 * SEARCH criteria enable it (a MODSEQ key anywhere).
 */
class CondstoreResponsesTest {
    private static final Selected SEL = new Selected(FolderRef.of("cora@example.org", "INBOX"), false,
            UidSet.of(4, 7, 9), 40, UidSet.empty());
    private static final MessageMeta M = new MessageMeta(7, 10, EnumSet.of(Flag.FLAGGED), Set.of(), 42,
            Instant.EPOCH);

    @Test
    void withoutCondstoreNoModSeq() {
        assertEquals("* 2 FETCH (FLAGS (\\Flagged))", Store.response(2, M, SEL, false, false, false));
        assertEquals("* 2 FETCH (UID 7 FLAGS (\\Flagged))", Store.response(2, M, SEL, true, false, false));
        assertNull(Store.response(2, M, SEL, false, true, false), ".SILENT: nothing");
        assertNull(Store.response(2, M, SEL, true, true, false), ".SILENT: nothing");
    }

    @Test
    void withCondstoreUidAndModSeqEvenWhenSilent() {
        assertEquals("* 2 FETCH (UID 7 FLAGS (\\Flagged) MODSEQ (42))", Store.response(2, M, SEL, false, false, true));
        assertEquals("* 2 FETCH (UID 7 FLAGS (\\Flagged) MODSEQ (42))", Store.response(2, M, SEL, true, false, true));
        assertEquals("* 2 FETCH (UID 7 MODSEQ (42))", Store.response(2, M, SEL, false, true, true));
        assertEquals("* 2 FETCH (UID 7 MODSEQ (42))", Store.response(2, M, SEL, true, true, true));
    }

    @Test
    void aModSeqKeyAnywhereInTheCriteria() throws ImapSyntaxException {
        assertTrue(modSeq("MODSEQ 5"));
        assertTrue(modSeq("NOT MODSEQ 5"));
        assertTrue(modSeq("UNSEEN OR SUBJECT x (FLAGGED MODSEQ \"/flags/\\\\draft\" all 620162338)"));
        assertTrue(modSeq("RETURN (COUNT) OR MODSEQ 1 UNSEEN"));
        assertFalse(modSeq("SUBJECT MODSEQ"));
        assertFalse(modSeq("OR UNSEEN (FLAGGED NOT BODY modseq)"));
    }

    private static boolean modSeq(String criteria) throws ImapSyntaxException {
        return Search.mentionsModSeq(new SearchParser(Search.context(SEL), 64, SequenceSet.DEFAULT_MAX_RANGES)
                .parse(Args.of("a SEARCH " + criteria)).key());
    }
}
