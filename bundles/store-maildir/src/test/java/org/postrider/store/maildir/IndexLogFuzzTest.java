package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Fuzz target: whatever an index file holds (a crash, a bad disk, a hand edit), reading it
 * gives a state or an untrusted one and never throws; a torn tail is cut before an append so
 * the appended record reads back; a trusted state survives compaction unchanged; and file
 * names of any shape parse without throwing.
 */
class IndexLogFuzzTest {
    /**
     * Everything a state says, row by row (with each message's file as read back from the
     * log at the row's position), that must survive a compaction.
     */
    static List<String> snapshot(IndexLog log, IndexLog.State s) throws IOException {
        List<String> out = new ArrayList<>();
        out.add("V " + s.uidValidity + " " + s.uidNext + " " + s.highestModSeq + " R " + s.recentFrom);
        MessageTable t = s.table;
        String[] files = log.files(t);
        for (int r = 0; r < t.size(); r++) {
            out.add("A " + t.uid(r) + " " + t.modSeq(r) + " " + t.messageSize(r) + " " + t.dateMillis(r) + " "
                    + t.flagBits(r) + " " + new TreeSet<>(t.keywords(r)) + " key=" + t.deliveryKey(r) + " file="
                    + files[r] + " at=" + log.fileAt(t.logPos(r), t.uid(r)) + " cache=" + t.cachePos(r));
        }
        out.add("E " + s.tombstones.floor());
        for (int i = 0; i < s.tombstones.size(); i++) {
            out.add("X " + s.tombstones.uid(i) + " " + s.tombstones.modSeq(i));
        }
        return out;
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
                List<String> before = snapshot(log, s);
                log.compact(s, null);
                assertEquals(before, snapshot(log, s), "the table's rows point into the compacted log");
                IndexLog.State again = log.load();
                assertTrue(again.trusted);
                assertEquals(before, snapshot(log, again));
                assertEquals(s.table.bytes(), again.table.bytes());
                assertEquals(s.table.unseen(), again.table.unseen());
                assertEquals(s.table.uncounted(), again.table.uncounted(), "sizes not counted stay so, no more");
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
