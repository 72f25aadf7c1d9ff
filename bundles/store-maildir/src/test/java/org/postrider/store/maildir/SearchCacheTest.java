package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.UidSet;

/**
 * SEARCH over more messages than one batch of cache records, some cached out of UID order:
 * the first search parses each message not yet cached and caches it; from then on header and date keys are answered from the cache alone
 * (the message files here are overwritten, and the answers do not change), under NOT and OR
 * with index keys too.
 */
class SearchCacheTest {
    private static final String USER = "alice@example.org";
    private static final int MESSAGES = Search.BATCH + Search.BATCH / 2;

    @TempDir
    Path root;

    @Test
    void headerAndDateKeysAreAnsweredFromTheCacheAcrossBatches() throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        UidSet.Builder needles = new UidSet.Builder();
        UidSet.Builder caf = new UidSet.Builder();
        UidSet.Builder fourth = new UidSet.Builder();
        UidSet.Builder flagged = new UidSet.Builder();
        for (int i = 0; i < MESSAGES; i++) {
            String subject = i % 7 == 0 ? "a Needle " + i : i % 11 == 0 ? "=?UTF-8?Q?Caf=C3=A9?= " + i : "plain " + i;
            int day = 1 + i % 5;
            long uid = store.deliver(USER, "INBOX", ChangesSinceModelTest.text("From: Bob <bob@example.net>\r\n"
                    + "Subject: " + subject + "\r\nDate: Wed, " + day + " Mar 2026 09:00:00 -0500\r\n\r\n"
                    + (i % 7 == 0 ? "a haystack with a needle" : "just hay") + "\r\n"), "q" + i);
            if (i % 7 == 0) {
                needles.add(uid);
            }
            if (i % 7 != 0 && i % 11 == 0) {
                caf.add(uid);
            }
            if (day == 4) {
                fourth.add(uid);
            }
            if (i % 3 == 0) {
                flagged.add(uid);
            }
        }
        FolderRef ref = FolderRef.of(USER, "INBOX");
        store.changeFlags(ref, flagged.build(), FlagChange.ADD, Set.of(Flag.FLAGGED), Set.of(), -1);
        UidSet all = store.uids(ref);
        for (long u = all.last(); u > all.last() - 300; u -= 3) { // cached out of UID order, as FETCH caches
            store.structure(ref, u);
        }
        SearchKey needle = new SearchKey.Header("Subject", "NEEDLE");
        assertEquals(needles.build(), store.search(ref, needle, null), "parsed, then cached");
        assertEquals(needles.build(), store.search(ref, new SearchKey.Body("NEEDLE"), null));
        assertTrue(Files.size(FolderNames.userDir(root, USER).resolve(StructureCache.FILE)) > 0);

        for (String f : Maildirs.files(FolderNames.userDir(root, USER))) { // what a search reads now is the cache
            Path p = FolderNames.userDir(root, USER).resolve(f);
            Files.write(p, "x".repeat((int) Files.size(p)).getBytes());
        }
        assertEquals(needles.build(), store.search(ref, needle, null));
        assertEquals(caf.build(), store.search(ref, new SearchKey.Header("subject", "caf\u00e9"), null));
        assertEquals(all, store.search(ref, new SearchKey.Header("FROM", "bob@"), null));
        assertEquals(fourth.build(),
                store.search(ref, new SearchKey.Sent(SearchKey.DateOp.ON, LocalDate.of(2026, 3, 4)), null));
        assertEquals(minus(all, needles.build()), store.search(ref, new SearchKey.Not(needle), null));
        assertEquals(union(needles.build(), flagged.build()), store.search(ref,
                new SearchKey.Or(needle, new SearchKey.HasFlag(Flag.FLAGGED, true)), null));
        assertEquals(minus(flagged.build(), needles.build()), store.search(ref, new SearchKey.And(List.of(
                new SearchKey.Or(new SearchKey.HasFlag(Flag.SEEN, true), new SearchKey.HasFlag(Flag.FLAGGED, true)),
                new SearchKey.Not(needle))), null), "index keys decided again per message under OR");
        UidSet within = UidSet.range(all.first() + 100, all.first() + 1200);
        assertEquals(intersect(needles.build(), within), store.search(ref, needle, within));
        store.deactivate();
    }

    private static UidSet minus(UidSet a, UidSet b) {
        UidSet.Builder r = new UidSet.Builder();
        for (long u : a) {
            if (!b.contains(u)) {
                r.add(u);
            }
        }
        return r.build();
    }

    private static UidSet intersect(UidSet a, UidSet b) {
        UidSet.Builder r = new UidSet.Builder();
        for (long u : a) {
            if (b.contains(u)) {
                r.add(u);
            }
        }
        return r.build();
    }

    private static UidSet union(UidSet a, UidSet b) {
        java.util.TreeSet<Long> s = new java.util.TreeSet<>();
        a.forEach(s::add);
        b.forEach(s::add);
        return UidSet.of(s);
    }
}
