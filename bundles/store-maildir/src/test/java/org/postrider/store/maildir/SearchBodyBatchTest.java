package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.UidSet;

/**
 * SEARCH BODY finds the files of a batch of messages under one turn at the folder's lock and
 * opens them after it: its cost at the lock does not grow with the messages it reads, and a
 * file renamed (a flag change) or removed (an expunge) after its batch was found is found
 * again, or skipped.
 */
class SearchBodyBatchTest {
    private static final String USER = "alice@example.org";
    private static final FolderRef INBOX = FolderRef.of(USER, "INBOX");

    @TempDir
    Path root;
    private MaildirStore store;

    @AfterEach
    void close() {
        Search.step = MaildirFolder.Step.NONE;
        if (store != null) {
            store.deactivate();
        }
    }

    /** Writes {@code n} messages into cur/ as another Maildir tool would; every 7th holds the needle. */
    private UidSet.Builder fill(int n) throws Exception {
        Path cur = FolderNames.userDir(root, USER).resolve("cur");
        Files.createDirectories(cur);
        Files.createDirectories(cur.resolveSibling("new"));
        Files.createDirectories(cur.resolveSibling("tmp"));
        UidSet.Builder needles = new UidSet.Builder();
        for (int i = 1; i <= n; i++) {
            byte[] m = ("From: bob@example.net\r\nSubject: m" + i + "\r\n\r\nsome hay\r\n"
                    + (i % 7 == 0 ? "and a Needle in it\r\n" : "and more hay\r\n")).getBytes(StandardCharsets.US_ASCII);
            Files.write(cur.resolve(String.format("17000%05d.M%dP1.other,S=%d:2,", i, i, m.length)), m);
            if (i % 7 == 0) {
                needles.add(i); // indexed in the order of their names: UID i
            }
        }
        return needles;
    }

    @Test
    void aBodySearchTakesTheFolderLockOncePerBatchAndLooksUpNoFileAlone() throws Exception {
        int n = 2 * Search.BATCH + 100;
        UidSet needles = fill(n).build();
        store = new MaildirStore(root, "athena", 100);
        SearchKey needle = new SearchKey.Body("needle");
        assertEquals(needles, store.search(INBOX, needle, null), "the first parses and caches each structure");

        long calls = store.stats().calls.sum();
        long lookups = store.stats().lookups.sum();
        assertEquals(needles, store.search(INBOX, needle, null));
        long took = store.stats().calls.sum() - calls;
        assertTrue(took <= 1 + 3, "the index pass and a call per batch of " + Search.BATCH + ", not per message: "
                + took + " calls for " + n + " messages");
        assertEquals(0, store.stats().lookups.sum() - lookups, "no message's file looked up alone");

        assertEquals(needles, store.search(INBOX, new SearchKey.Text("NEEDLE"), null));
        assertEquals(UidSet.range(1, n), store.search(INBOX, new SearchKey.Or(needle, new SearchKey.Body("hay")),
                null));
        assertEquals(0, store.stats().lookups.sum() - lookups, "TEXT and OR find their files by batch too");
    }

    @Test
    void aFileRenamedOrExpungedAfterItsBatchWasFoundIsFoundAgainOrSkipped() throws Exception {
        UidSet needles = fill(60).build();
        store = new MaildirStore(root, "athena", 100);
        SearchKey needle = new SearchKey.Body("needle");
        assertEquals(needles, store.search(INBOX, needle, null));
        long gone = needles.first();
        int[] batches = {0};
        Search.step = s -> {
            if (s.equals("search-batch") && batches[0]++ == 0) {
                try { // every file renamed, one removed, after the batch found them
                    store.changeFlags(INBOX, UidSet.range(1, 60), FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
                    store.expunge(INBOX, UidSet.of(gone));
                } catch (org.postrider.api.store.StoreException e) {
                    throw new java.io.IOException(e);
                }
            }
        };
        long lookups = store.stats().lookups.sum();
        UidSet.Builder rest = new UidSet.Builder();
        needles.forEach(u -> {
            if (u != gone) {
                rest.add(u);
            }
        });
        assertEquals(rest.build(), store.search(INBOX, needle, null));
        assertEquals(1, batches[0]);
        assertTrue(store.stats().lookups.sum() - lookups >= needles.size(),
                "the renamed files were found again under the lock");
    }
}
