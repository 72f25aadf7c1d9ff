package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzz target: whatever an index file holds (a crash, a bad disk, a hand edit), reading it
 * gives a state or an untrusted one and never throws; a torn tail is cut before an append so
 * the appended record reads back; a trusted state survives compaction unchanged; and file
 * names of any shape parse without throwing.
 */
class IndexLogFuzzTest {
    /** Every message as the table says it, with the file the log names for it. */
    static List<String> rows(IndexLog.State s, IndexLog log) throws IOException {
        String[] files = log.files(s.table);
        List<String> rows = new java.util.ArrayList<>();
        for (int r = 0; r < s.table.size(); r++) {
            rows.add(s.table.meta(r) + " " + files[r] + " " + s.table.deliveryKey(r));
        }
        return rows;
    }

    @FuzzTest(maxDuration = "30s")
    void replay(byte[] input) throws IOException {
        Path dir = Files.createTempDirectory("indexlog");
        try {
            Path file = dir.resolve(IndexLog.FILE);
            Files.write(file, input);
            IndexLog log = new IndexLog(dir);
            IndexLog.State s = log.load();
            for (String line : new String(input, StandardCharsets.UTF_8).split("\n")) {
                MaildirName n = MaildirName.parse(line);
                n.uid();
                n.folderId();
                n.deliveryKey();
                n.size();
            }
            if (s.trusted) {
                List<String> before = rows(s, log);
                log.compact(s, null);
                IndexLog.State again = log.load();
                assertTrue(again.trusted);
                assertEquals(before, rows(again, log));
                assertEquals(s.table.bytes(), again.table.bytes());
                assertEquals(s.table.unseen(), again.table.unseen());
                assertEquals(s.uidNext, again.uidNext);
                assertEquals(s.highestModSeq, again.highestModSeq);
            }
            log.append(List.of(IndexLog.expunged(987654321L, 987654321L)));
            IndexLog.State after = log.load();
            assertTrue(after.uidNext > 987654321L, "the appended record was read back");
        } finally {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
