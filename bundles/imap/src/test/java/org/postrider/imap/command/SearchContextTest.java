package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.UidSet;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.SearchParser;
import org.postrider.imap.parse.SequenceSet;

/**
 * The SEARCH keys only a session can answer, as the store is asked them: message numbers,
 * UID sets with {@code *} (the highest UID, RFC 3501 6.4.8, also above it), {@code $} (RFC 5182),
 * and RECENT, NEW and OLD from the session's \Recent messages. Here numbers 1..5 are UIDs
 * 3 5 8 9 12, of which 9 and 12 are \Recent.
 */
class SearchContextTest {
    private final Selected sel = new Selected(FolderRef.of("alice@example.org", "INBOX"), false,
            UidSet.of(3, 5, 8, 9, 12), 1, UidSet.of(9, 12));

    private SearchKey key(String criteria) throws Exception {
        return new SearchParser(Search.context(sel), 64, SequenceSet.DEFAULT_MAX_RANGES).parse(Args.of("a SEARCH " + criteria)).key();
    }

    private static SearchKey uids(long... uids) {
        return new SearchKey.Uids(UidSet.of(uids));
    }

    @Test
    void recentNewAndOldAreTheSessionsRecentMessages() throws Exception {
        assertEquals(uids(9, 12), key("RECENT"));
        assertEquals(new SearchKey.Not(uids(9, 12)), key("OLD"));
        assertEquals(new SearchKey.And(List.of(uids(9, 12), new SearchKey.HasFlag(Flag.SEEN, false))), key("NEW"));
    }

    @Test
    void messageNumbersAndUidSetsAreTheUidsTheyName() throws Exception {
        assertEquals(uids(5, 8), key("2:3"));
        assertEquals(uids(12), key("*"));
        assertEquals(uids(9, 12), key("4:*"));
        assertEquals(uids(3, 12), key("1,5:7"));
        assertEquals(uids(5, 8, 9, 12), key("UID 5:*"));
        assertEquals(uids(12), key("UID 13:*"), "* is the highest UID, also below the range's other end");
        assertEquals(uids(), key("UID 4,6:7"));
        assertEquals(new SearchKey.Not(uids(3, 5)), key("NOT 1:2"));
    }

    @Test
    void dollarIsTheSavedResult() throws Exception {
        sel.save(UidSet.of(5, 9));
        assertEquals(uids(5, 9), key("$"));
        assertEquals(uids(5, 9), key("UID $"));
    }
}
