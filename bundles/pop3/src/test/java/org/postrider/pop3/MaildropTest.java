package org.postrider.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/**
 * The session's snapshot holds names: UIDLs answer from it when no store is bound, and RETR
 * and UPDATE go to whichever store is bound at that moment, by UIDVALIDITY and UID.
 */
class MaildropTest {
    /** A store with messages 1 and 2 in INBOX that records the calls made of it. */
    static MailStore store(List<String> calls) {
        return (MailStore) Proxy.newProxyInstance(MailStore.class.getClassLoader(), new Class<?>[] {MailStore.class},
                (proxy, m, args) -> {
                    calls.add(m.getName() + (args != null && args.length > 1 ? " " + args[1] : ""));
                    return switch (m.getName()) {
                        case "summary" -> new FolderSummary("INBOX", 1700000000, 3, 2, 2, 2, 0, 1, 30);
                        case "uids" -> UidSet.range(1, 2);
                        case "messages" -> List.of(new MessageMeta(1, 10, Set.of(), Set.of(), 1, Instant.EPOCH),
                                new MessageMeta(2, 20, Set.of(), Set.of(), 2, Instant.EPOCH));
                        case "expunge", "content" -> {
                            if (!(args[0] instanceof FolderRef ref) || ref.uidValidity() != 1700000000) {
                                throw new InvocationTargetException(new IllegalArgumentException("no UIDVALIDITY"));
                            }
                            yield m.getName().equals("expunge") ? args[1] : null;
                        }
                        default -> throw new UnsupportedOperationException(m.getName());
                    };
                });
    }

    @Test
    void uidlsComeFromTheLoginSnapshotEvenWithNoStoreBound() throws Exception {
        AtomicReference<MailStore> bound = new AtomicReference<>(store(new ArrayList<>()));
        Maildrop drop = new Maildrop("alice@example.org", bound::get);
        bound.set(null); // the store bundle is being updated while the session is in TRANSACTION state
        assertEquals("1700000000.2", drop.uidl(drop.get(2)), "no session dies on a UIDL");
        assertEquals(30, drop.octets());
        StoreException e = assertThrows(StoreException.class, () -> drop.content(drop.get(1)));
        assertTrue(e.temporary(), "RETR meanwhile is told to try again");
    }

    @Test
    void updateExpungesByUidValidityAndUidThroughTheStoreBoundAtQuit() throws Exception {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        AtomicReference<MailStore> bound = new AtomicReference<>(store(first));
        Maildrop drop = new Maildrop("alice@example.org", bound::get);
        assertTrue(drop.delete(2));
        bound.set(store(second)); // a new store instance after an update
        assertNull(drop.content(drop.get(1)));
        assertEquals(1, drop.update());
        assertEquals(List.of("content 1", "expunge 2"), second);
        assertTrue(first.stream().noneMatch(c -> c.startsWith("expunge")), "the old instance is not written through");
    }
}
