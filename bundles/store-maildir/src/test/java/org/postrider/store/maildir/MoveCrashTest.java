package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.UidSet;

/**
 * A move interrupted at each of its steps (the process "dies": the store is dropped as it
 * stands and another opens the Maildir) leaves every message in exactly one of the two
 * folders, with its bytes; a copy leaves the source whole and the target with complete copies
 * or none.
 */
class MoveCrashTest {
    private static final String USER = "alice@example.org";

    @TempDir
    Path root;

    /** The "kill -9" a step hook plays. */
    static final class Crash extends Error {
        Crash() {
            super("crash", null, false, false);
        }
    }

    @AfterEach
    void noHook() {
        MaildirFolder.step = MaildirFolder.Step.NONE;
    }

    private static String read(MessageContent c) throws Exception {
        try (InputStream in = c.open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every message's text in a folder. */
    private static List<String> texts(MaildirStore store, String folder) throws Exception {
        FolderRef ref = FolderRef.of(USER, folder);
        List<String> out = new ArrayList<>();
        for (MessageMeta m : store.messages(ref, store.uids(ref))) {
            out.add(read(store.content(ref, m.uid())));
        }
        out.sort(null);
        return out;
    }

    @ParameterizedTest
    @CsvSource({"target-records,1,true", "file,1,true", "file,2,true", "files-moved,1,true",
        "target-records,1,false", "file,2,false", "files-moved,1,false"})
    void aTransferCutShortLeavesEachMessageInExactlyOneFolder(String step, int occurrence, boolean move)
            throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        store.createFolder(USER, "Archive/2026", null);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String text = "Subject: m" + i + "\r\n\r\nbody " + i + "\r\n";
            store.deliver(USER, "INBOX", ChangesSinceModelTest.text(text), "q" + i);
            sent.add(text);
        }
        store.changeFlags(FolderRef.of(USER, "INBOX"), UidSet.of(2), org.postrider.api.store.FlagChange.ADD,
                java.util.Set.of(org.postrider.api.store.Flag.SEEN), java.util.Set.of(), -1);
        Map<String, Integer> seen = new HashMap<>();
        MaildirFolder.step = s -> {
            if (seen.merge(s, 1, Integer::sum) == occurrence && s.equals(step)) {
                throw new Crash();
            }
        };
        FolderRef inbox = FolderRef.of(USER, "INBOX");
        assertThrows(Crash.class, () -> {
            if (move) {
                store.move(inbox, UidSet.range(1, 3), "Archive/2026");
            } else {
                store.copy(inbox, UidSet.range(1, 3), "Archive/2026");
            }
        });
        MaildirFolder.step = MaildirFolder.Step.NONE;
        store.deactivate(); // the process is gone; what is on disk is all there is

        MaildirStore after = new MaildirStore(root, "athena", 1000);
        List<String> in = texts(after, "INBOX");
        List<String> archived = texts(after, "Archive/2026");
        if (move) {
            List<String> both = new ArrayList<>(in);
            both.addAll(archived);
            both.sort(null);
            assertEquals(sent, both, "each message in exactly one folder after a crash at " + step + " #"
                    + occurrence);
        } else {
            assertEquals(sent, in, "a copy leaves the source whole");
            for (String a : archived) {
                assertEquals(true, sent.contains(a), "a copy is complete or absent");
            }
        }
        // The store still works on both: the next move completes.
        after.move(FolderRef.of(USER, "INBOX"), after.uids(FolderRef.of(USER, "INBOX")), "Archive/2026");
        List<String> all = texts(after, "Archive/2026");
        assertEquals(move ? sent : sent.size() + archived.size(), move ? all : all.size());
        assertArrayEquals(new String[0], texts(after, "INBOX").toArray());
        after.deactivate();
    }
}
