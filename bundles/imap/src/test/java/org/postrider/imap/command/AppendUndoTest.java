package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.api.store.UidValidityChangedException;

/**
 * MULTIAPPEND and COPY into the selected mailbox take back what they added when a later message
 * fails: in the folder they added to, found by its UIDVALIDITY, also when another session
 * renamed it meanwhile, and never in a folder that took its name.
 */
class AppendUndoTest {
    private static final String USER = "alice@example.org";

    /** Folders by name, each a UIDVALIDITY and its UIDs, as far as expunge and folderOf see them. */
    private final Map<String, Long> validity = new HashMap<>();
    private final Map<Long, TreeSet<Long>> uids = new HashMap<>();

    private void folder(String name, long v, Long... u) {
        validity.put(name, v);
        uids.put(v, new TreeSet<>(List.of(u)));
    }

    private void rename(String from, String to) {
        validity.put(to, validity.remove(from));
    }

    private MailStore store() {
        return (MailStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailStore.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "expunge" -> {
                        FolderRef ref = (FolderRef) args[0];
                        Long v = validity.get(ref.folder());
                        if (v == null) {
                            throw new StoreException("no folder " + ref.folder(), false);
                        }
                        if (v != ref.uidValidity()) {
                            throw new UidValidityChangedException("UIDVALIDITY of " + ref.folder() + " is now " + v);
                        }
                        UidSet.Builder gone = new UidSet.Builder();
                        for (long u : (UidSet) args[1]) {
                            if (uids.get(v).remove(u)) {
                                gone.add(u);
                            }
                        }
                        yield gone.build();
                    }
                    case "folderOf" -> validity.entrySet().stream().filter(e -> e.getValue() == (long) args[1])
                            .map(Map.Entry::getKey).findFirst().orElse(null);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void anUndoAfterTheTargetWasRenamedTakesBackTheMessagesUnderItsNewName() {
        folder("A", 7, 1L, 2L, 3L);
        rename("A", "X"); // another session, between the APPEND that failed and the undo
        StoreException failure = new StoreException("disk full", true);
        Append.undo(store(), new FolderRef(USER, "A", 7), List.of(2L, 3L), failure);
        assertEquals(new TreeSet<>(List.of(1L)), uids.get(7L), "the added messages are gone from X");
        assertEquals(0, failure.getSuppressed().length, "the undo did not fail");
    }

    @Test
    void anUndoAfterARenameSwapReachesItsFolderAndLeavesTheOneUnderItsOldName() {
        folder("A", 7, 1L, 2L, 3L);
        folder("B", 8, 1L, 2L, 3L);
        rename("A", "X");
        rename("B", "A");
        Append.undo(store(), new FolderRef(USER, "A", 7), List.of(2L, 3L), new StoreException("disk full", true));
        assertEquals(new TreeSet<>(List.of(1L)), uids.get(7L), "taken back from X, where they went");
        assertEquals(new TreeSet<>(List.of(1L, 2L, 3L)), uids.get(8L), "B, now called A, untouched");
    }

    @Test
    void anUndoOfADeletedFolderEndsAndSaysWhy() {
        folder("A", 7, 1L, 2L);
        validity.remove("A");
        StoreException failure = new StoreException("disk full", true);
        Append.undo(store(), new FolderRef(USER, "A", 7), List.of(2L), failure);
        assertEquals(1, failure.getSuppressed().length, "the failed undo is told with the failure");
    }
}
