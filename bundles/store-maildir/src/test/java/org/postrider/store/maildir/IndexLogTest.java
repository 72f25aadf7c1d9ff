package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.store.Flag;
import org.postrider.api.store.UidSet;

/** The index log's records as the store writes them: read back trusted, and unchanged by a compaction. */
class IndexLogTest {
    @TempDir
    Path dir;

    private IndexLog logOf(String seed) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("IndexLogFuzzTestInputs/replay/" + seed)) {
            Files.write(dir.resolve(IndexLog.FILE), in.readAllBytes());
        }
        return new IndexLog(dir);
    }

    @Test
    void aLogWithEveryRecordTypeIsTrustedAndSurvivesCompaction() throws Exception {
        IndexLog log = logOf("seed5"); // V, A, A, F, X, R, C, E: the fuzz target's compaction seed
        IndexLog.State s = log.load();
        assertTrue(s.trusted);
        assertEquals(1700000000L, s.uidValidity);
        assertEquals(3, s.uidNext);
        assertEquals(6, s.highestModSeq);
        assertEquals(UidSet.of(1), s.table.uids(), "2 expunged");
        assertEquals(Set.of(Flag.FLAGGED, Flag.SEEN), s.table.flags(0));
        assertEquals(Set.of("$Later"), s.table.keywords(0));
        assertEquals(MessageTable.key("f2e6934b1e652bbe"), s.table.deliveryKey(0), "the delivery key of the A record");
        assertEquals(0, s.table.cachePos(0));
        assertEquals(2, s.recentFrom);
        assertEquals(UidSet.of(2), s.tombstones.since(1));
        assertTrue(log.fileAt(s.table.logPos(0), 1).endsWith(":2,FS"), "the F record names the file now");

        List<String> before = IndexLogFuzzTest.snapshot(log, s);
        log.compact(s, null);
        IndexLog.State again = log.load();
        assertTrue(again.trusted);
        assertEquals(before, IndexLogFuzzTest.snapshot(log, again));
    }

    @Test
    void aFlagRecordNamingAnotherMessagesFileIsDamage() throws Exception {
        // The store renames a file only within its base (flags after ":2,"); an F record naming
        // another base was not written by it. Trusted, a compaction would write the base from
        // that name and lose the A record's delivery key (a redelivery would then add a copy).
        String base = "1700000000%2EM1Qf2e6934b1e652bbeF0a0b0c0dU1%2Eathena%2CS%3D5";
        Files.writeString(dir.resolve(IndexLog.FILE), "V 1700000000 2 3\n"
                + "A 1 2 5 1700000000000 - " + base + " new%2F" + base + "\n"
                + "F 1 3 S cur%2F1700000000%2EM9Q0123456789abcdefF0a0b0c0dU1%2Eathena%2CS%3D5%3A2%2CS\n");
        assertFalse(new IndexLog(dir).load().trusted);

        Files.writeString(dir.resolve(IndexLog.FILE), "V 1700000000 2 3\n"
                + "A 1 2 5 1700000000000 - " + base + " new%2F" + base + "\n"
                + "F 1 3 S cur%2F" + base + "%3A2%2CS\n");
        assertTrue(new IndexLog(dir).load().trusted, "the same base with new flags is what the store writes");
    }

    @Test
    void aFileIsFoundAtItsRecordWhateverTheRecordsLength() throws Exception {
        // fileAt reads a record's worth first and more only for a longer record (many keywords)
        String base = "1700000000%2EM1Qf2e6934b1e652bbeF0a0b0c0dU1%2Eathena%2CS%3D5";
        String base2 = "1700000001%2EM2Q0123456789abcdefF0a0b0c0dU2%2Eathena%2CS%3D5";
        StringBuilder keywords = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            keywords.append(" kw").append(i);
        }
        String a = "A 1 2 5 1700000000000 - " + base + " new%2F" + base + keywords;
        String f = "F 1 3 S cur%2F" + base + "%3A2%2CS" + keywords;
        Files.writeString(dir.resolve(IndexLog.FILE),
                "V 1700000000 2 3\n" + a + "\n" + f + "\n" + "A 2 4 5 1 - " + base2 + " new%2F" + base2 + "\n");
        assertTrue(f.length() > 4 * IndexLog.RECORD_GUESS);
        IndexLog log = new IndexLog(dir);
        IndexLog.State s = log.load();
        assertTrue(s.trusted);
        long aPos = "V 1700000000 2 3\n".length();
        assertEquals("new/" + base.replace("%2E", ".").replace("%2C", ",").replace("%3D", "="), log.fileAt(aPos, 1));
        assertEquals(s.table.logPos(0), aPos + a.length() + 1, "the F record names the file now");
        assertTrue(log.fileAt(s.table.logPos(0), 1).endsWith(":2,S"));
        assertTrue(log.fileAt(s.table.logPos(1), 2).startsWith("new/1700000001.M2Q"));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> log.fileAt(aPos, 2),
                "another UID's record");
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> log.fileAt(aPos + 1, 1),
                "not where a record starts");
        String tornRecord = "A 3 5 5 1 - " + base2 + " new%2F" + base2;
        Files.writeString(dir.resolve(IndexLog.FILE), tornRecord, java.nio.file.StandardOpenOption.APPEND);
        long torn = Files.size(dir.resolve(IndexLog.FILE)) - tornRecord.length();
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> log.fileAt(torn, 3),
                "a torn last line is no record");
    }
    @Test
    void manyFilesAreFoundInOnePassAsEachIsFoundAlone() throws Exception {
        // records near each other, far apart (past filesAt's window), longer than a read, and
        // positions that are no record of their UID: filesAt answers what fileAt does, or null
        StringBuilder log = new StringBuilder("V 1700000000 1 1\n");
        StringBuilder keywords = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            keywords.append(" kw").append(i);
        }
        int n = 1200;
        long[] pos = new long[n + 3];
        long[] uids = new long[n + 3];
        for (int u = 1; u <= n; u++) {
            String base = "17000" + String.format("%05d", u) + "%2EM1Q0123456789abcdefF0a0b0c0dU" + u
                    + "%2Eathena%2CS%3D5";
            pos[n - u] = log.length(); // asked for out of order
            uids[n - u] = u;
            log.append("A ").append(u).append(' ').append(u + 1).append(" 5 1700000000000 - ").append(base)
                    .append(" new%2F").append(base).append(u % 97 == 0 ? keywords : "").append('\n');
            if (u % 300 == 0) {
                log.append("R ").append(u).append(" ").append("x".repeat(100_000)).append('\n'); // a gap
            }
        }
        pos[n] = pos[0] + 1; // not where a record starts
        uids[n] = n;
        pos[n + 1] = pos[1]; // another UID's record
        uids[n + 1] = 1;
        pos[n + 2] = -1;
        uids[n + 2] = 5;
        Files.writeString(dir.resolve(IndexLog.FILE), log.toString());
        IndexLog l = new IndexLog(dir);
        String[] files = l.filesAt(pos, uids, pos.length);
        for (int i = 0; i < n; i++) {
            assertEquals(l.fileAt(pos[i], uids[i]), files[i], "UID " + uids[i]);
        }
        assertTrue(files[0].startsWith("new/1700001200.M1Q"));
        assertEquals(null, files[n]);
        assertEquals(null, files[n + 1]);
        assertEquals(null, files[n + 2]);
        String torn = "A 9999 2 5 1 - b new%2Fb";
        Files.writeString(dir.resolve(IndexLog.FILE), torn, java.nio.file.StandardOpenOption.APPEND);
        long at = Files.size(dir.resolve(IndexLog.FILE)) - torn.length();
        assertEquals(null, l.filesAt(new long[] {at}, new long[] {9999}, 1)[0], "a torn last line is no record");
    }
}
