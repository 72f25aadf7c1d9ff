package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.SearchRequest.ReturnOption;
import org.postrider.imap.sort.SortableMessage;

/**
 * The MODSEQ a SEARCH or SORT with a MODSEQ key tells (RFC 7162 3.1.5, 3.1.6): the highest of
 * the messages returned, in ESEARCH of those its items report (RFC 4731 3.2), read from the
 * index in bounded pieces.
 */
class ResultModSeqTest {
    private static final Selected SEL = new Selected(FolderRef.of("cora@example.org", "INBOX"), false,
            UidSet.range(1, 10_000), 99_999, UidSet.empty());

    @Test
    void theHighestOfTheReturnedMessagesReadInBoundedPiecesWithoutSizes() throws StoreException {
        List<UidSet> asked = new ArrayList<>();
        MailStore store = store(asked, Set.of());
        UidSet found = new UidSet.Builder().addRange(1, 9_000).add(9_500).build();
        assertEquals(9_500 * 3, ResultModSeq.highest(store, SEL, found)); // modSeq = 3 * uid here
        assertEquals(found.size(), asked.stream().mapToLong(UidSet::size).sum());
        assertTrue(asked.stream().allMatch(p -> p.size() <= Fetch.PIECE), "bounded: " + asked.size() + " pieces");
        assertEquals(7 * 3, ResultModSeq.highest(store, SEL, UidSet.of(2, 7, 5)));
    }

    @Test
    void messagesExpungedSinceTheSearchAreNotCounted() throws StoreException {
        MailStore store = store(new ArrayList<>(), Set.of(9L));
        assertEquals(4 * 3, ResultModSeq.highest(store, SEL, UidSet.of(4, 9)));
        assertEquals(SEL.modSeq(), ResultModSeq.highest(store, SEL, UidSet.of(9)), "none left: the session's");
    }

    @Test
    void esortReportsTheMessagesItsItemsShow() {
        List<SortableMessage> sorted = List.of(sortable(4, 50), sortable(2, 10), sortable(9, 70), sortable(1, 30));
        assertEquals(70, ResultModSeq.highest(sorted, Set.of()));
        assertEquals(70, ResultModSeq.highest(sorted, EnumSet.of(ReturnOption.ALL)));
        assertEquals(70, ResultModSeq.highest(sorted, EnumSet.of(ReturnOption.COUNT)));
        assertEquals(70, ResultModSeq.highest(sorted, EnumSet.of(ReturnOption.MIN, ReturnOption.COUNT)));
        assertEquals(50, ResultModSeq.highest(sorted, EnumSet.of(ReturnOption.MIN)), "the first in sort order");
        assertEquals(30, ResultModSeq.highest(sorted, EnumSet.of(ReturnOption.MAX)), "the last in sort order");
        assertEquals(50, ResultModSeq.highest(sorted, EnumSet.of(ReturnOption.MIN, ReturnOption.MAX)));
        assertEquals(50, ResultModSeq.highest(sorted, EnumSet.of(ReturnOption.MIN, ReturnOption.SAVE)));
    }

    @Test
    void esearchReportsTheMessagesSaveWouldKeep() {
        UidSet found = UidSet.of(3, 5, 9);
        assertEquals(UidSet.of(3), Search.saved(found, EnumSet.of(ReturnOption.MIN)));
        assertEquals(UidSet.of(3, 9), Search.saved(found, EnumSet.of(ReturnOption.MIN, ReturnOption.MAX)));
        assertEquals(found, Search.saved(found, EnumSet.of(ReturnOption.MAX, ReturnOption.COUNT)));
        assertEquals(found, Search.saved(found, Set.of()));
    }

    @Test
    void theTwoForms() {
        assertEquals(" (MODSEQ 917162500)", ResultModSeq.plain(917162500));
        assertEquals(" MODSEQ 917162500", ResultModSeq.extended(917162500));
    }

    private static SortableMessage sortable(long id, long modSeq) {
        return new SortableMessage(id, (int) id, 0, modSeq, 0, 0, "", "", "", "", "", "");
    }

    /** A store whose messages have modSeq 3 * uid, {@code gone} expunged; it records each piece asked for. */
    private static MailStore store(List<UidSet> asked, Set<Long> gone) {
        return (MailStore) Proxy.newProxyInstance(MailStore.class.getClassLoader(), new Class<?>[] {MailStore.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("messages") || args.length != 3 || (boolean) args[2]) {
                        throw new AssertionError("unexpected " + method + " sizes=" + (args.length == 3 ? args[2] : "?"));
                    }
                    UidSet piece = (UidSet) args[1];
                    asked.add(piece);
                    List<MessageMeta> out = new ArrayList<>();
                    for (long u : piece) {
                        if (!gone.contains(u)) {
                            out.add(new MessageMeta(u, MessageMeta.SIZE_NOT_COUNTED, Set.of(), Set.of(), 3 * u, Instant.EPOCH));
                        }
                    }
                    return out;
                });
    }
}
