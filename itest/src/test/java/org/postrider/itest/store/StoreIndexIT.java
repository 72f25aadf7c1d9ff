package org.postrider.itest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * The store's index through the distribution and real POP3 clients: a torn index, a lost
 * one and a kill -9 in the middle of store:reindex never make a UIDL stand for a second
 * message (under one UIDVALIDITY), and lose no message.
 */
class StoreIndexIT {
    private static final String ALICE = "alice@example.org";

    @RegisterExtension
    final Instances instances = new Instances();

    /** Lists the maildrop as "uidl subject" lines, deleting the messages whose subject is given. */
    private static final String POP = """
            import poplib, ssl, sys
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
            p.user(sys.argv[2]); p.pass_(sys.argv[3])
            dele = set(sys.argv[4:])
            for line in p.uidl()[1]:
                n, uidl = line.decode().split(' ')
                subject = '-'
                if sys.argv[4:5] != ['--uidl-only']:
                    for h in p.top(int(n), 0)[1]:
                        if h.startswith(b'Subject: '):
                            subject = h[9:].decode()
                print('msg', uidl, subject)
                if subject in dele or (sys.argv[4:5] == ['--uidl-only'] and n in dele):
                    p.dele(int(n))
            p.quit()
            """;

    private static Instance start(Instances instances) throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", ALICE, "alice-pw").ok();
        return athena;
    }

    private static void deliver(Instance athena, String subject) throws Exception {
        Path eml = athena.home().resolve(subject + ".eml");
        Files.writeString(eml, "From: carol@example.net\r\nSubject: " + subject + "\r\n\r\nbody of " + subject
                + "\r\n");
        // in order: the tests read them so (the queue delivers several at once)
        athena.submitAndDeliver(eml, "carol@example.net", ALICE);
    }

    /** UIDL to subject, in maildrop order; deletes (at QUIT) the messages with the given subjects. */
    private static Map<String, String> pop(Instance athena, String... delete) throws Exception {
        List<String> args = new ArrayList<>(List.of(String.valueOf(athena.listenerPort("pop3s")), ALICE, "alice-pw"));
        args.addAll(List.of(delete));
        String out = Python.run(athena.home(), POP, args.toArray(String[]::new)).ok().out();
        Map<String, String> m = new LinkedHashMap<>();
        for (String l : out.lines().filter(l -> l.startsWith("msg ")).toList()) {
            String[] f = l.split(" ", 3);
            m.put(f[1], f[2]);
        }
        return m;
    }

    private static long info(Instance athena, String key) throws Exception {
        String out = athena.admin("store:info", ALICE).ok().out();
        Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    /**
     * Cuts the index in the middle of its last record of a message (what follows goes too),
     * as a crash in the middle of appending it leaves it.
     */
    private static void tearLastRecord(Path index) throws IOException {
        byte[] b = Files.readAllBytes(index);
        int end = b.length - 1; // the newline ending the record
        int start;
        while (true) {
            start = end;
            while (start > 0 && b[start - 1] != '\n') {
                start--;
            }
            if ("AFX".indexOf(b[start]) >= 0) {
                break;
            }
            end = start - 1;
        }
        try (FileChannel ch = FileChannel.open(index, StandardOpenOption.WRITE)) {
            ch.truncate(start + (end - start) / 2);
        }
    }

    @Test
    void aTornIndexNeverMakesAUidlStandForASecondMessage() throws Exception {
        Instance athena = start(instances);
        for (int i = 1; i <= 5; i++) {
            deliver(athena, "m" + i);
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        Map<String, String> seen = new LinkedHashMap<>(pop(athena, "m4", "m5"));
        assertEquals(List.of("m1", "m2", "m3", "m4", "m5"), List.copyOf(seen.values()));
        Path index = athena.inbox("alice", "example.org").resolve("postrider-index");
        athena.stop();
        tearLastRecord(index); // the record of m5's expunge is torn, as a crash mid-append leaves it

        athena.start();
        deliver(athena, "m6"); // the folder notes m5's expunge again: an append after the torn record
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        seen.putAll(pop(athena, "m6"));
        long validity = info(athena, "uidvalidity");
        long modSeq = info(athena, "highestmodseq");
        athena.stop();
        athena.start(); // reads the index again
        deliver(athena, "m7");
        athena.awaitQueueEmpty(Duration.ofSeconds(30));

        Map<String, String> now = pop(athena);
        assertEquals(List.of("m1", "m2", "m3", "m7"), List.copyOf(now.values()), "nothing lost, nothing back");
        for (Map.Entry<String, String> e : now.entrySet()) {
            if (seen.containsKey(e.getKey())) {
                assertEquals(seen.get(e.getKey()), e.getValue(), "UIDL " + e.getKey() + " stood for another message"
                        + " (seen before: " + seen + ")");
            }
        }
        if (info(athena, "uidvalidity") == validity) {
            assertTrue(info(athena, "highestmodseq") > modSeq, "HIGHESTMODSEQ went back from " + modSeq);
        }
    }

    @Test
    void killNineDuringReindexOfALargeMailboxLosesNothingAndReusesNoUid() throws Exception {
        Instance athena = start(instances);
        Path inbox = athena.inbox("alice", "example.org");
        for (String d : new String[] {"new", "cur", "tmp"}) {
            Files.createDirectories(inbox.resolve(d));
        }
        // A large Maildir written by another tool (no size in the names: the index has to stat them).
        int count = 100_000;
        byte[] body = "Subject: filler\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            Files.write(inbox.resolve("cur/1700000000.M" + i + "P1.othertool:2,S"), body);
        }
        Map<String, String> before = pop(athena, "--uidl-only", "1", "2", "3");
        assertEquals(count, before.size());
        List<String> deleted = List.copyOf(before.keySet()).subList(0, 3);
        Set<String> kept = new java.util.HashSet<>(before.keySet());
        deleted.forEach(kept::remove);
        long validity = info(athena, "uidvalidity");

        Path log = athena.home().resolve("data/log/postrider.log");
        long logStart = Files.size(log);
        Path index = inbox.resolve("postrider-index");
        CompletableFuture<?> reindex = CompletableFuture.runAsync(() -> {
            try {
                athena.admin("store:reindex", ALICE, "INBOX");
            } catch (Exception e) {
                // the server is killed under it
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (Files.exists(index) && !logSince(log, logStart).contains("Reindexing " + ALICE)) {
            assertTrue(System.nanoTime() < deadline, "store:reindex did not start");
            Thread.sleep(2);
        }
        athena.kill9();
        reindex.join();
        assertFalse(logSince(log, logStart).contains("Rebuilt index of " + ALICE),
                "the kill must land before the reindex is done");

        athena.start();
        Map<String, String> after = pop(athena, "--uidl-only");
        assertEquals(count - 3, after.size(), "nothing lost");
        if (info(athena, "uidvalidity") == validity) {
            for (String d : deleted) {
                assertFalse(after.containsKey(d), "the UIDL " + d + " of a deleted message is back");
            }
            assertEquals(kept, after.keySet(), "every message keeps its UIDL");
        }
    }

    private static String logSince(Path log, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long len = f.length();
            if (len <= offset) {
                return "";
            }
            byte[] b = new byte[(int) Math.min(len - offset, 1 << 20)];
            f.seek(offset);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
