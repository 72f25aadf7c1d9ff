package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.UidSet;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.SearchRequest.ReturnOption;

/** What SEARCH RETURN (SAVE) keeps as "$" (RFC 5182 2.4), and when a command asks to save. */
class SearchResTest {
    private static final UidSet FOUND = UidSet.of(3, 5, 9, 12);

    @Test
    void minAndMaxAloneKeepOnlyThoseMessages() {
        assertEquals(UidSet.of(3), Search.saved(FOUND, EnumSet.of(ReturnOption.SAVE, ReturnOption.MIN)));
        assertEquals(UidSet.of(12), Search.saved(FOUND, EnumSet.of(ReturnOption.SAVE, ReturnOption.MAX)));
        assertEquals(UidSet.of(3, 12), Search.saved(FOUND, EnumSet.of(ReturnOption.SAVE, ReturnOption.MIN, ReturnOption.MAX)));
        assertEquals(UidSet.of(7), Search.saved(UidSet.of(7), EnumSet.of(ReturnOption.SAVE, ReturnOption.MIN, ReturnOption.MAX)));
    }

    @Test
    void otherwiseTheWholeResult() {
        assertEquals(FOUND, Search.saved(FOUND, EnumSet.of(ReturnOption.SAVE)));
        assertEquals(FOUND, Search.saved(FOUND, EnumSet.of(ReturnOption.SAVE, ReturnOption.MIN, ReturnOption.COUNT)));
        assertEquals(FOUND, Search.saved(FOUND, EnumSet.of(ReturnOption.SAVE, ReturnOption.MAX, ReturnOption.ALL)));
        assertEquals(UidSet.empty(), Search.saved(UidSet.empty(), EnumSet.of(ReturnOption.SAVE, ReturnOption.MIN)));
    }

    @Test
    void asksToSaveOnlyWithSaveInTheReturnList() {
        assertTrue(Search.asksToSave(request("a SEARCH RETURN (MIN save) UNSEEN")));
        assertTrue(Search.asksToSave(request("a SEARCH RETURN (SAVE) BOGUS-KEY")));
        assertFalse(Search.asksToSave(request("a SEARCH RETURN (MIN) UNSEEN")));
        assertFalse(Search.asksToSave(request("a SEARCH SAVE")));
        assertFalse(Search.asksToSave(request("a SEARCH UNSEEN RETURN (SAVE)")));
    }

    private static ImapRequest request(String line) {
        return new ImapRequest("a", "SEARCH", false, List.copyOf(Args.of(line)));
    }
}
