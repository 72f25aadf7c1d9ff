package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * QRESYNC (RFC 7162 3.2) through the distribution, over the wire as a resynchronising client
 * speaks it: a client that knew the mailbox comes back after another session changed flags,
 * expunged messages and new mail came by SMTP and APPEND, and hears exactly what vanished and
 * exactly what changed, after which its view is a fresh SELECT's; expunges by another session
 * reach a QRESYNC session as VANISHED at NOOP and while it idles; when the store has lost its
 * record of expunges (index rebuilt) the answer is a superset of absent UIDs, never a message
 * that is there, narrowed by the client's seq-match-data.
 */
class ImapQresyncIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    private static final Pattern FETCH = Pattern.compile(
            "^\\* (\\d+) FETCH \\(UID (\\d+) FLAGS \\(([^)]*)\\) MODSEQ \\((\\d+)\\)\\)$");

    static Instance athena;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0", "allowPlaintextAuth", "true"));
        athena.start();
    }

    @Test
    void aReconnectingClientHearsExactlyWhatChangedAndThenSeesWhatAFreshSelectSees() throws Exception {
        mailbox("quinn", 6);

        // session A learns the mailbox, notes UIDVALIDITY and HIGHESTMODSEQ, and goes away
        long uidValidity;
        long known;
        Map<Long, TreeSet<String>> cache;
        try (Client a = Client.login("quinn")) {
            assertTrue(a.ok("e", "ENABLE QRESYNC").contains("* ENABLED QRESYNC"));
            List<String> sel = a.ok("s", "SELECT INBOX");
            uidValidity = code(sel, "UIDVALIDITY");
            known = code(sel, "HIGHESTMODSEQ");
            cache = flags(a.ok("f", "UID FETCH 1:* (FLAGS)"));
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), List.copyOf(cache.keySet()));
        }

        // session B (no QRESYNC) changes flags, expunges (3 after a flag change), and mail arrives
        long appended;
        try (Client b = Client.login("quinn")) {
            b.ok("s", "SELECT INBOX");
            b.ok("f1", "UID STORE 2,4 +FLAGS (\\Flagged)");
            b.ok("f2", "UID STORE 5 +FLAGS ($Todo)");
            b.ok("f3", "UID STORE 3 +FLAGS (\\Seen)");
            b.ok("f4", "UID STORE 1,3 +FLAGS (\\Deleted)");
            List<String> ex = b.ok("x", "EXPUNGE");
            assertTrue(ex.contains("* 1 EXPUNGE") && ex.contains("* 2 EXPUNGE"), "no QRESYNC, EXPUNGE: " + ex);
            String ok = b.append("ap", "INBOX", "Subject: appended\r\n\r\nby APPEND\r\n").getLast();
            Matcher m = Pattern.compile("APPENDUID \\d+ (\\d+)]").matcher(ok);
            assertTrue(m.find(), ok);
            appended = Long.parseLong(m.group(1));
        }
        deliverBySmtp("quinn", "by-smtp");
        athena.awaitQueueEmpty(Duration.ofSeconds(30));

        // a fresh SELECT: what A must end up seeing
        TreeMap<Long, TreeSet<String>> fresh;
        long freshModSeq;
        try (Client c = Client.login("quinn")) {
            freshModSeq = code(c.ok("s", "EXAMINE INBOX"), "HIGHESTMODSEQ");
            fresh = flags(c.ok("f", "UID FETCH 1:* (FLAGS)"));
        }
        assertEquals(6, fresh.size(), "2, 4, 5, 6, the appended and the delivered: " + fresh);
        long delivered = fresh.lastKey();
        assertTrue(delivered > appended, fresh::toString);

        try (Client a = Client.login("quinn")) {
            // QRESYNC is refused before ENABLE, and the client was told so
            assertTrue(a.command("q0", "SELECT INBOX (QRESYNC (" + uidValidity + " " + known + "))").getLast()
                    .startsWith("q0 BAD"));
            a.ok("e", "ENABLE QRESYNC");
            List<String> sel = a.ok("q1", "SELECT INBOX (QRESYNC (" + uidValidity + " " + known + "))");
            // exactly the expunged UIDs, once, before the FETCH responses
            List<String> vanished = sel.stream().filter(l -> l.startsWith("* VANISHED")).toList();
            assertEquals(List.of("* VANISHED (EARLIER) 1,3"), vanished, String.join("\n", sel));
            assertTrue(sel.stream().noneMatch(l -> l.contains("EXPUNGE")), sel::toString);
            // exactly the changed and the new messages, each with its flags now and a MODSEQ above the known one
            Map<Long, TreeSet<String>> changed = new TreeMap<>();
            for (String l : sel) {
                Matcher m = FETCH.matcher(l);
                if (l.contains(" FETCH ")) {
                    assertTrue(m.matches(), "UID FLAGS MODSEQ: " + l);
                    assertTrue(Long.parseLong(m.group(4)) > known, l);
                    assertTrue(sel.indexOf(l) > sel.indexOf(vanished.getFirst()), "VANISHED comes first: " + sel);
                    changed.put(Long.parseLong(m.group(2)), words(m.group(3)));
                }
            }
            assertEquals(List.of(2L, 4L, 5L, appended, delivered), List.copyOf(changed.keySet()), sel::toString);
            assertEquals(6, exists(sel));
            // the client applies what it heard to what it knew: the view of a fresh SELECT
            vanished(vanished.getFirst()).forEach(cache::remove);
            cache.putAll(changed);
            cache.values().forEach(f -> f.remove("\\Recent"));
            assertEquals(fresh, cache);
            assertEquals(freshModSeq, code(sel, "HIGHESTMODSEQ"));

            // the same through UID FETCH (CHANGEDSINCE VANISHED), within the UIDs asked
            List<String> f = a.ok("f", "UID FETCH 2:* (FLAGS) (CHANGEDSINCE " + known + " VANISHED)");
            assertEquals(List.of("* VANISHED (EARLIER) 3"), f.stream().filter(l -> l.contains("VANISHED")).toList());
            assertEquals(List.of(2L, 4L, 5L, appended, delivered), List.copyOf(flags(f).keySet()));

            // known-uids narrow both answers
            List<String> narrow = a.ok("q2", "EXAMINE INBOX (QRESYNC (" + uidValidity + " " + known + " 2:3))");
            assertTrue(narrow.contains("* OK [CLOSED] previous mailbox closed"), narrow::toString);
            assertEquals(List.of("* VANISHED (EARLIER) 3"),
                    narrow.stream().filter(l -> l.contains("VANISHED")).toList());
            assertEquals(List.of(2L), List.copyOf(flags(narrow).keySet()));

            // another UIDVALIDITY: the parameters are ignored, an ordinary SELECT
            List<String> other = a.ok("q3", "SELECT INBOX (QRESYNC (" + (uidValidity + 1) + " " + known + "))");
            assertTrue(other.stream().noneMatch(l -> l.contains("VANISHED") || l.contains("FETCH")), other::toString);

            // strict syntax: a "*" in known-uids is refused, and the selected mailbox is closed
            List<String> bad = a.command("q4", "SELECT INBOX (QRESYNC (" + uidValidity + " " + known + " 1:*))");
            assertTrue(bad.getLast().startsWith("q4 BAD"), bad::toString);
            assertTrue(bad.contains("* OK [CLOSED] previous mailbox closed"), bad::toString);
            assertTrue(a.command("n", "UID FETCH 1 FLAGS").getLast().startsWith("n BAD"), "nothing is selected");
        }
    }

    @Test
    void expungesReachAQresyncSessionAsVanishedAtNoopWhileIdlingAndAfterItsOwnExpungeMoveAndClose()
            throws Exception {
        mailbox("rhea", 6);
        try (Client a = Client.login("rhea"); Client b = Client.login("rhea")) {
            a.ok("e", "ENABLE QRESYNC");
            List<String> sel = a.ok("s", "SELECT INBOX");
            long selected = code(sel, "HIGHESTMODSEQ");
            b.ok("s", "SELECT INBOX");
            b.ok("d", "UID STORE 2 +FLAGS (\\Deleted)");
            b.ok("x", "EXPUNGE");
            b.ok("f", "UID STORE 3 +FLAGS (\\Flagged)");

            // a FETCH by number may not tell the expunge (RFC 9051 7.5.1) but tells MODSEQs above it: the
            // HIGHESTMODSEQ a resuming client must start from comes with it, below the expunge (RFC 7162 3.2)
            List<String> fetched = a.ok("fm", "FETCH 1:* (FLAGS MODSEQ)");
            assertTrue(fetched.stream().noneMatch(l -> l.contains("VANISHED") || l.contains("EXPUNGE")),
                    fetched::toString);
            assertTrue(fetched.stream().anyMatch(l -> l.startsWith("* 3 FETCH") && l.contains("\\Flagged")),
                    fetched::toString);
            assertEquals(selected, code(fetched, "HIGHESTMODSEQ"), fetched::toString);
            try (Client c = Client.login("rhea")) { // resuming from it misses nothing
                c.ok("e", "ENABLE QRESYNC");
                List<String> resumed = c.ok("q", "EXAMINE INBOX (QRESYNC (" + code(sel, "UIDVALIDITY")
                        + " " + selected + "))");
                assertTrue(resumed.contains("* VANISHED (EARLIER) 2"), resumed::toString);
                assertEquals(List.of(3L), List.copyOf(flags(resumed).keySet()), resumed::toString);
            }
            List<String> noop = a.ok("n", "NOOP");
            assertTrue(noop.contains("* VANISHED 2"), noop::toString);
            assertTrue(noop.stream().noneMatch(l -> l.contains("EXPUNGE") || l.contains("HIGHESTMODSEQ")),
                    noop::toString);

            a.send("i IDLE");
            assertTrue(a.line().startsWith("+ "));
            b.ok("d2", "UID STORE 4,5 +FLAGS (\\Deleted)");
            b.ok("x2", "EXPUNGE");
            // told while idling (the flag change may come first): read until both vanished, at most the read timeout
            List<String> idled = new ArrayList<>();
            List<Long> gone = new ArrayList<>();
            while (!gone.containsAll(List.of(4L, 5L))) {
                String l = a.line();
                idled.add(l);
                assertTrue(!l.contains("EXPUNGE"), idled::toString);
                if (l.startsWith("* VANISHED ")) {
                    assertTrue(!l.contains("EARLIER"), l);
                    gone.addAll(vanished(l));
                }
            }
            assertEquals(List.of(4L, 5L), gone, idled::toString);
            a.send("DONE");
            assertTrue(a.untilTagged("i").getLast().startsWith("i OK"));

            // its own EXPUNGE: VANISHED, and the new HIGHESTMODSEQ with the OK, as a fresh SELECT has it
            a.ok("d", "UID STORE 1 +FLAGS (\\Deleted)");
            List<String> ex = a.ok("x", "EXPUNGE");
            assertTrue(ex.contains("* VANISHED 1"), ex::toString);
            Matcher m = Pattern.compile("^x OK \\[HIGHESTMODSEQ (\\d+)] ").matcher(ex.getLast());
            assertTrue(m.find(), ex::toString);
            List<String> fresh = b.ok("s2", "EXAMINE INBOX");
            assertEquals(code(fresh, "HIGHESTMODSEQ"), Long.parseLong(m.group(1)));
            assertEquals(2, exists(fresh));

            // MOVE: VANISHED and HIGHESTMODSEQ likewise (RFC 6851 4.4)
            List<String> mv = a.ok("m", "UID MOVE 3,6 Archive");
            assertTrue(mv.contains("* VANISHED 3,6") && mv.stream().noneMatch(l -> l.contains("EXPUNGE")),
                    mv::toString);
            m = Pattern.compile("^m OK \\[HIGHESTMODSEQ (\\d+)] ").matcher(mv.getLast());
            assertTrue(m.find(), mv::toString);
            assertEquals(code(b.ok("s3", "EXAMINE INBOX"), "HIGHESTMODSEQ"), Long.parseLong(m.group(1)));

            // CLOSE: the new HIGHESTMODSEQ only when nothing happened that the client was not told
            a.ok("s4", "SELECT Archive");
            a.ok("d4", "STORE 1 +FLAGS (\\Deleted)");
            b.ok("s5", "SELECT Archive");
            b.ok("f5", "STORE 2 +FLAGS (\\Flagged)"); // not yet told to a
            List<String> close = a.ok("cl", "CLOSE");
            assertEquals("cl OK CLOSE completed", close.getLast(), "a resync from it would miss the flag change");
            a.ok("s6", "SELECT Archive");
            a.ok("d6", "STORE 1 +FLAGS (\\Deleted)");
            close = a.ok("cl2", "CLOSE");
            m = Pattern.compile("^cl2 OK \\[HIGHESTMODSEQ (\\d+)] ").matcher(close.getLast());
            assertTrue(m.find(), close::toString);
            List<String> archive = b.ok("s7", "EXAMINE Archive");
            assertEquals(code(archive, "HIGHESTMODSEQ"), Long.parseLong(m.group(1)));
            assertEquals(0, exists(archive));

            // many expunges at once: VANISHED lines of at most 1000 UIDs, together all of them
            StringBuilder appends = new StringBuilder();
            String msg = "Subject: bulk\r\n\r\nbulk\r\n";
            for (int i = 0; i < 1001; i++) {
                appends.append("ap").append(i).append(" APPEND INBOX {").append(msg.length()).append("+}\r\n")
                        .append(msg).append("\r\n");
            }
            b.out.write(appends.toString().getBytes(StandardCharsets.US_ASCII));
            b.out.flush();
            for (int i = 0; i < 1001; i++) {
                assertTrue(b.untilTagged("ap" + i).getLast().startsWith("ap" + i + " OK"));
            }
            a.ok("s8", "SELECT INBOX");
            b.ok("s9", "SELECT INBOX");
            b.ok("d9", "STORE 1:* +FLAGS.SILENT (\\Deleted)");
            b.ok("x9", "EXPUNGE");
            List<String> bulk = a.ok("n9", "NOOP").stream().filter(l -> l.startsWith("* VANISHED ")).toList();
            assertTrue(bulk.size() >= 2, bulk::toString);
            List<Long> all = new ArrayList<>();
            for (String l : bulk) {
                List<Long> uids = vanished(l);
                assertTrue(uids.size() <= 1000, l);
                all.addAll(uids);
            }
            assertEquals(1001, all.size());
            assertEquals(1001, new TreeSet<>(all).size());
        }
    }

    @Test
    void afterTheStoreForgotTheExpungesTheAnswerIsASupersetNarrowedBySeqMatchDataNeverAMessageThatIsThere()
            throws Exception {
        mailbox("sage", 6);
        try (Client b = Client.login("sage")) { // expunged before the client's MODSEQ: it knows
            b.ok("s", "SELECT INBOX");
            b.ok("d", "UID STORE 2 +FLAGS (\\Deleted)");
            b.ok("x", "EXPUNGE");
        }
        long uidValidity;
        long known;
        Map<Long, TreeSet<String>> cache;
        try (Client a = Client.login("sage")) {
            List<String> sel = a.ok("s", "SELECT INBOX");
            uidValidity = code(sel, "UIDVALIDITY");
            known = code(sel, "HIGHESTMODSEQ");
            cache = flags(a.ok("f", "UID FETCH 1:* (FLAGS)"));
            assertEquals(List.of(1L, 3L, 4L, 5L, 6L), List.copyOf(cache.keySet()));
        }
        try (Client b = Client.login("sage")) { // expunged after it: the client must hear of it
            b.ok("s", "SELECT INBOX");
            b.ok("f", "UID STORE 3 +FLAGS (\\Flagged)");
            b.ok("d", "UID STORE 5 +FLAGS (\\Deleted)");
            b.ok("x", "EXPUNGE");
        }
        athena.stop();
        Files.delete(athena.inbox("sage", "example.org").resolve("postrider-index")); // the expunge records with it
        athena.start();

        TreeMap<Long, TreeSet<String>> fresh;
        try (Client c = Client.login("sage")) {
            List<String> sel = c.ok("s", "EXAMINE INBOX");
            assertEquals(uidValidity, code(sel, "UIDVALIDITY"), "the rebuilt index keeps the UIDs");
            fresh = flags(c.ok("f", "UID FETCH 1:* (FLAGS)"));
        }
        assertEquals(List.of(1L, 3L, 4L, 6L), List.copyOf(fresh.keySet()));

        try (Client a = Client.login("sage")) {
            a.ok("e", "ENABLE QRESYNC");
            List<String> sel = a.ok("q1", "SELECT INBOX (QRESYNC (" + uidValidity + " " + known + "))");
            List<String> vanished = sel.stream().filter(l -> l.startsWith("* VANISHED")).toList();
            assertEquals(1, vanished.size(), sel::toString);
            assertTrue(vanished.getFirst().startsWith("* VANISHED (EARLIER) "), sel::toString);
            List<Long> gone = vanished(vanished.getFirst());
            assertTrue(gone.contains(5L), "what vanished since: " + gone);
            for (long uid : fresh.keySet()) {
                assertTrue(!gone.contains(uid), "a message that is there is never told vanished: " + gone);
            }
            long uidNext = code(sel, "UIDNEXT");
            assertTrue(gone.stream().allMatch(u -> u >= 1 && u < uidNext), "below UIDNEXT: " + gone);
            // every message is told (the rebuild gave each a new MODSEQ): the client's view is a fresh SELECT's
            gone.forEach(cache::remove);
            Map<Long, TreeSet<String>> changed = flags(sel);
            assertEquals(fresh.keySet(), changed.keySet());
            cache.putAll(changed);
            cache.values().forEach(f -> f.remove("\\Recent"));
            assertEquals(fresh, cache);

            assertTrue(gone.contains(2L), "the store no longer knows 2 vanished before the client's MODSEQ: " + gone);

            // the client's message numbers 1:3 were UIDs 1,3,4 and still are: nothing at or below 4 vanished
            List<String> narrowed = a.ok("q2", "EXAMINE INBOX (QRESYNC (" + uidValidity + " " + known
                    + " (1:3 1,3:4)))").stream().filter(l -> l.startsWith("* VANISHED")).toList();
            assertEquals(1, narrowed.size());
            assertEquals(gone.stream().filter(u -> u > 4).toList(), vanished(narrowed.getFirst()), narrowed::toString);
        }
    }

    // ---- helpers

    /** A user whose INBOX holds {@code messages} messages, UIDs 1 to {@code messages}. */
    private static void mailbox(String local, int messages) throws Exception {
        athena.admin("dir:user-add", local + "@example.org", local + "-pw").ok();
        for (int i = 1; i <= messages; i++) {
            deliverQueued(local, "m" + i);
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
    }

    private static void deliverQueued(String local, String name) throws Exception {
        Path p = athena.home().resolve(local + "-" + name + ".eml");
        Files.writeString(p, "From: carol@example.net\r\nSubject: " + name + "\r\n\r\nbody " + name + "\r\n");
        // in order: UIDs follow the names (the queue delivers several at once)
        athena.submitAndDeliver(p, "carol@example.net", local + "@example.org");
    }

    /** A message through the MX listener, as another server would send it. */
    private static void deliverBySmtp(String local, String name) throws Exception {
        try (Socket s = new Socket("127.0.0.1", athena.listenerPort("smtp"))) {
            s.setSoTimeout(15_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            smtp(in, out, null, "220");
            smtp(in, out, "EHLO mx.example.net", "250");
            smtp(in, out, "MAIL FROM:<carol@example.net>", "250");
            smtp(in, out, "RCPT TO:<" + local + "@example.org>", "250");
            smtp(in, out, "DATA", "354");
            smtp(in, out, "Subject: " + name + "\r\n\r\nby SMTP\r\n.", "250");
            smtp(in, out, "QUIT", "221");
        }
    }

    private static void smtp(BufferedReader in, OutputStream out, String line, String want) throws IOException {
        if (line != null) {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        String reply;
        do {
            reply = in.readLine();
            assertTrue(reply != null && reply.startsWith(want), line + " -> " + reply);
        } while (reply.charAt(3) == '-');
    }

    /** The number in "* OK [NAME n]". */
    private static long code(List<String> lines, String name) {
        for (String l : lines) {
            Matcher m = Pattern.compile("^\\* OK \\[" + name + " (\\d+)]").matcher(l);
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no " + name + " in " + lines);
    }

    private static int exists(List<String> lines) {
        for (String l : lines) {
            Matcher m = Pattern.compile("^\\* (\\d+) EXISTS$").matcher(l);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no EXISTS in " + lines);
    }

    /** UID to flags of the FETCH responses among {@code lines}. */
    private static TreeMap<Long, TreeSet<String>> flags(List<String> lines) {
        TreeMap<Long, TreeSet<String>> m = new TreeMap<>();
        Pattern p = Pattern.compile("^\\* \\d+ FETCH \\(.*?UID (\\d+).*?FLAGS \\(([^)]*)\\)");
        Pattern q = Pattern.compile("^\\* \\d+ FETCH \\(.*?FLAGS \\(([^)]*)\\).*?UID (\\d+)");
        for (String l : lines) {
            Matcher a = p.matcher(l);
            Matcher b = q.matcher(l);
            if (a.find()) {
                m.put(Long.parseLong(a.group(1)), words(a.group(2)));
            } else if (b.find()) {
                m.put(Long.parseLong(b.group(2)), words(b.group(1)));
            }
        }
        return m;
    }

    private static TreeSet<String> words(String s) {
        TreeSet<String> w = new TreeSet<>(List.of(s.split(" ")));
        w.remove("");
        return w;
    }

    /** The UIDs of "* VANISHED [(EARLIER) ]set", set expanded (small in these tests). */
    private static List<Long> vanished(String line) {
        List<Long> uids = new ArrayList<>();
        for (String r : line.substring(line.lastIndexOf(' ') + 1).split(",")) {
            String[] ends = r.split(":");
            for (long u = Long.parseLong(ends[0]); u <= Long.parseLong(ends[ends.length - 1]); u++) {
                uids.add(u);
            }
        }
        return uids;
    }

    /** A plaintext IMAP client that reads responses line by line (none here carries a literal). */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        final OutputStream out;

        private Client(Socket socket) throws IOException {
            this.socket = socket;
            socket.setSoTimeout(15_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        static Client login(String local) throws Exception {
            Client c = new Client(new Socket("127.0.0.1", athena.listenerPort("imap")));
            assertTrue(c.line().startsWith("* OK"));
            c.ok("l", "LOGIN " + local + "@example.org " + local + "-pw");
            return c;
        }

        void send(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String line() throws IOException {
            String l = in.readLine();
            if (l == null) {
                throw new IOException("connection closed");
            }
            return l;
        }

        List<String> untilTagged(String tag) throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = line();
                lines.add(l);
                if (l.startsWith(tag + " ")) {
                    return lines;
                }
            }
        }

        List<String> command(String tag, String command) throws IOException {
            send(tag + " " + command);
            return untilTagged(tag);
        }

        List<String> ok(String tag, String command) throws IOException {
            List<String> lines = command(tag, command);
            assertTrue(lines.getLast().startsWith(tag + " OK"), command + " -> " + lines);
            return lines;
        }

        List<String> append(String tag, String mailbox, String message) throws IOException {
            byte[] b = message.getBytes(StandardCharsets.UTF_8);
            send(tag + " APPEND " + mailbox + " {" + b.length + "}");
            assertTrue(line().startsWith("+"));
            out.write(b);
            send("");
            List<String> lines = untilTagged(tag);
            assertTrue(lines.getLast().startsWith(tag + " OK"), lines::toString);
            return lines;
        }

        @Override
        public void close() throws IOException {
            try {
                send("z LOGOUT");
                untilTagged("z");
            } finally {
                socket.close();
            }
        }
    }
}
