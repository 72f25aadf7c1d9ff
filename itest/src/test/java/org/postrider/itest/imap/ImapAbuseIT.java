package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * The abuse classes of SECURITY.md section 2 that concern IMAP, each sent over a real socket
 * to the assembled distribution: the exact refusal is asserted, and then a normal session
 * (login, SELECT, FETCH) works, on the same connection where the design keeps it open and
 * on a new one. Limits are configured small for the test instance (APPENDLIMIT 1 MiB, idle
 * 1 s before login and 10 s after, 3 sessions a user, 4 connections an address); clients
 * that must not share the throttle or the connection count of 127.0.0.1 come from other
 * loopback addresses.
 */
class ImapAbuseIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int imap;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.imap", Map.ofEntries(Map.entry("port", "0"), Map.entry("tlsPort", "0"),
                Map.entry("allowPlaintextAuth", "true"), Map.entry("appendLimitMiB", "1"),
                Map.entry("idleTimeout", "10s"), Map.entry("preLoginIdleTimeout", "1s"),
                Map.entry("commandDeadline", "3s"), Map.entry("maxPerAddress", "4"), Map.entry("maxPerUser", "3"),
                Map.entry("authFailureDelay", "400ms")));
        athena.start();
        imap = athena.listenerPort("imap");
        for (String u : List.of("alice", "bob", "carl")) {
            athena.admin("dir:user-add", u + "@example.org", u + "-pw").ok();
            try (Client c = new Client()) {
                c.login(u);
                List<String> r = c.command("a", "APPEND INBOX {" + message(u).length() + "+}\r\n" + message(u));
                assertTrue(last(r).startsWith("a OK [APPENDUID"), r::toString);
            }
        }
    }

    private static String message(String user) {
        return "Subject: hello " + user + "\r\n\r\nfor " + user + "\r\n";
    }

    private static String last(List<String> lines) {
        return lines.isEmpty() ? null : lines.getLast();
    }

    /**
     * A normal session on {@code c} (logged in as {@code user} if not yet): SELECT INBOX finds
     * the user's one message, FETCH reads its subject, LOGOUT says BYE.
     */
    private static void normalSession(Client c, String user, boolean loggedIn) throws IOException {
        if (!loggedIn) {
            c.login(user);
        }
        List<String> select = c.command("n1", "SELECT INBOX");
        assertTrue(last(select).startsWith("n1 OK [READ-WRITE]") && select.contains("* 1 EXISTS"), select::toString);
        List<String> fetch = c.command("n2", "FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
        assertTrue(last(fetch).startsWith("n2 OK") && fetch.getFirst().contains("Subject: hello " + user),
                fetch::toString);
        List<String> logout = c.command("n3", "LOGOUT");
        assertEquals("* BYE logging out", logout.getFirst());
        assertTrue(last(logout).startsWith("n3 OK"), logout::toString);
    }

    private static void normalSession(String user) throws IOException {
        try (Client c = new Client()) {
            normalSession(c, user, false);
        }
    }

    // ---- literals

    @Test
    void literalLimitsBeforeAndAfterLogin() throws Exception {
        try (Client c = new Client()) {
            assertEquals("a1 BAD [TOOBIG] literal too large", c.announce("a1 LOGIN {4294967296}"),
                    "no \"+\" for 4 GiB before login");
            assertEquals("a2 BAD [TOOBIG] literal too large", c.announce("a2 LOGIN {8193}"),
                    "nothing above 8 KiB before login");
            assertEquals("+ Ready for literal data", c.announce("a3 LOGIN {17}"), "a small literal is granted");
            List<String> login = c.rest("a3", "alice@example.org alice-pw");
            assertTrue(last(login).startsWith("a3 OK"), login::toString);
            assertEquals("b1 BAD [TOOBIG] literal too large", c.announce("b1 APPEND INBOX {4294967296}"));
            assertEquals("b2 BAD [TOOBIG] literal too large", c.announce("b2 APPEND INBOX {1048577}"),
                    "APPENDLIMIT is 1 MiB");
            normalSession(c, "alice", true);
        }
        try (Client c = new Client()) {
            c.send("c1 LOGIN {9000+}\r\n");
            assertEquals("* BYE non-synchronising literal too large", c.line());
            c.assertClosed(Duration.ofSeconds(5));
        }
        try (Client c = new Client()) {
            c.login("alice");
            c.send("d1 APPEND INBOX {1048577+}\r\n");
            assertEquals("* BYE non-synchronising literal too large", c.line());
            c.assertClosed(Duration.ofSeconds(5));
        }
        normalSession("alice");
    }

    @Test
    void manyLiteralsInOneCommandAreBoundedAndLeaveNoTemporaryFiles() throws Exception {
        Path tmp = athena.home().resolve("data/tmp/imap");
        String big = "Subject: big\r\n\r\n" + "x".repeat(100_000) + "\r\n";
        try (Client c = new Client()) {
            c.login("carl");
            assertTrue(last(c.command("m0", "CREATE Big")).startsWith("m0 OK"));
            StringBuilder sb = new StringBuilder("APPEND Big");
            for (int i = 0; i < 3; i++) {
                sb.append(" {").append(big.length()).append("+}\r\n").append(big);
            }
            List<String> multi = c.command("m1", sb.toString());
            assertTrue(last(multi).startsWith("m1 OK [APPENDUID"), multi::toString);
            // The same three literals for a command that takes none: streamed, then refused.
            List<String> noop = c.command("m2", sb.toString().replace("APPEND Big", "NOOP"));
            assertEquals("m2 BAD", last(noop).substring(0, 6), noop::toString);
            // In-memory literals (up to 64 KiB each) stop at 1 MiB for the command, without a "+".
            StringBuilder mem = new StringBuilder("m3 NOOP");
            int granted = 0;
            String reply;
            while ((reply = c.announce(mem + " {60000}")).startsWith("+ ")) {
                granted++;
                c.send("y".repeat(60_000));
                mem.setLength(0);
            }
            assertEquals("m3 BAD command too large", reply);
            assertTrue(granted >= 16 && granted <= 18, "about 1 MiB granted: " + granted);
            Await.until("no temporary literal files left", Duration.ofSeconds(5), () -> list(tmp), List::isEmpty);
            normalSession(c, "carl", true);
        }
    }

    private static List<String> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // ---- command length, nesting, sequence sets

    @Test
    void overlongCommandLineIsRefusedAndTheSessionGoesOn() throws Exception {
        try (Client c = new Client()) {
            List<String> r = c.command("l1", "NOOP " + "x".repeat(70_000));
            assertEquals(List.of("* BAD line longer than 65536"), r, "refused as a whole, nothing of it run");
            c.login("alice");
            List<String> again = c.command("l2", "NOOP " + "x".repeat(70_000));
            assertEquals(List.of("* BAD line longer than 65536"), again);
            normalSession(c, "alice", true);
        }
    }

    @Test
    void deepNestingAndTooManyArgumentsAreRefused() throws Exception {
        try (Client c = new Client()) {
            assertEquals("p1 BAD parentheses nested too deep",
                    last(c.command("p1", "ID " + "(".repeat(40) + ")".repeat(40))), "before login too");
            c.login("alice");
            c.command("s", "SELECT INBOX");
            assertEquals("p2 BAD parentheses nested too deep",
                    last(c.command("p2", "FETCH 1 " + "(".repeat(33) + "FLAGS" + ")".repeat(33))));
            assertEquals("p3 BAD parentheses nested too deep",
                    last(c.command("p3", "SEARCH " + "(".repeat(5000) + "ALL" + ")".repeat(5000))));
            assertEquals("p4 BAD search criteria nested too deep",
                    last(c.command("p4", "SEARCH " + "NOT ".repeat(5000) + "ALL")));
            assertEquals("p5 BAD search criteria nested too deep",
                    last(c.command("p5", "SEARCH " + "OR ".repeat(3000) + "ALL ".repeat(3000) + "ALL")));
            assertEquals("p6 BAD too many arguments",
                    last(c.command("p6", "FETCH 1 (" + "FLAGS ".repeat(10_001) + "UID)")));
            List<String> fine = c.command("p7", "SEARCH " + "NOT ".repeat(31) + "DELETED");
            assertEquals(List.of("* SEARCH 1", "p7 OK SEARCH completed"), fine, "moderate nesting still works");
            normalSession(c, "alice", true);
        }
    }

    @Test
    void theUidPrefixBeforeACommandWithoutAUidFormIsBadAndNothingRuns() throws Exception {
        try (Client c = new Client()) {
            assertEquals(List.of("u1 BAD LOGOUT has no UID form"), c.command("u1", "UID LOGOUT"), "still connected");
            assertEquals(List.of("u2 BAD LOGIN has no UID form"),
                    c.command("u2", "UID LOGIN alice@example.org alice-pw"));
            assertEquals("u3 BAD SELECT is not allowed before login", last(c.command("u3", "SELECT INBOX")),
                    "not logged in");
            c.login("alice");
            assertEquals(List.of("u4 BAD SELECT has no UID form"), c.command("u4", "UID SELECT INBOX"));
            assertEquals("u5 BAD FETCH is not allowed without a selected mailbox",
                    last(c.command("u5", "FETCH 1 (UID)")), "nothing selected");
            assertEquals(List.of("u6 BAD NOOP has no UID form"), c.command("u6", "UID NOOP"));
            // a refused command's literals are read as its data, never as commands: no LOGOUT, no APPEND
            String inject = "x LOGOUT\r\n";
            assertEquals(List.of("u8 BAD APPEND has no UID form"),
                    c.command("u8", "UID APPEND INBOX {" + inject.length() + "+}\r\n" + inject));
            assertEquals("+ Ready for literal data", c.announce("u9 UID APPEND INBOX {" + inject.length() + "}"));
            assertEquals(List.of("u9 BAD APPEND has no UID form"), c.rest("u9", inject));
            c.command("s", "SELECT INBOX");
            assertEquals(List.of("* 1 FETCH (UID 1)", "u7 OK FETCH completed"), c.command("u7", "UID FETCH 1 (UID)"),
                    "still the one message: nothing appended");
            normalSession(c, "alice", true);
        }
    }

    @Test
    void hugeSequenceSetsAreRefusedOrBoundedByTheMailbox() throws Exception {
        StringBuilder ranges = new StringBuilder("1");
        for (int i = 1; i <= 10_000; i++) {
            ranges.append(',').append(2 * i + 1);
        }
        try (Client c = new Client()) {
            c.login("alice");
            c.command("s", "SELECT INBOX");
            assertEquals("q1 BAD too many ranges in sequence set", last(c.command("q1", "FETCH " + ranges + " FLAGS")));
            assertEquals("q2 BAD too many ranges in sequence set",
                    last(c.command("q2", "UID SEARCH UID " + ranges)));
            assertEquals("q3 BAD too many ranges in sequence set",
                    last(c.command("q3", "STORE " + ranges + " +FLAGS (\\Seen)")));
            assertEquals("q4 BAD too many ranges in sequence set",
                    last(c.command("q4", "UID COPY " + ranges + " Trash")));
            assertEquals("q5 BAD invalid number in sequence set",
                    last(c.command("q5", "FETCH 1:4294967296 FLAGS")), "above 2^32-1");
            assertEquals("q5 BAD number too large in sequence set",
                    last(c.command("q5", "FETCH 1:" + "9".repeat(400) + " FLAGS")));
            List<String> all = c.command("q6", "FETCH 1:4294967295,2:4294967295,3:* (UID)");
            assertEquals(List.of("* 1 FETCH (UID 1)", "q6 OK FETCH completed"), all,
                    "the largest range answers only what exists");
            List<String> store = c.command("q7", "UID STORE 1:4294967295 +FLAGS.SILENT (\\Flagged)");
            assertTrue(last(store).startsWith("q7 OK"), store::toString);
            c.command("q8", "UID STORE 1:* -FLAGS.SILENT (\\Flagged)");
            normalSession(c, "alice", true);
        }
    }

    // ---- structure bombs

    @Test
    void deeplyNestedAndManyPartedMessagesGiveABoundedBodystructure() throws Exception {
        StringBuilder deep = new StringBuilder("Subject: deep\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for (int i = 0; i < 5000; i++) {
            deep.append("--b").append(i).append("\r\nContent-Type: multipart/mixed; boundary=b").append(i + 1)
                    .append("\r\n\r\n");
        }
        deep.append("--b5000\r\n\r\ninnermost\r\n");
        StringBuilder wide = new StringBuilder("Subject: wide\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 50_000; i++) {
            wide.append("--b\r\n\r\nx\r\n");
        }
        wide.append("--b--\r\n");
        try (Client c = new Client()) {
            c.login("carl");
            assertTrue(last(c.command("b0", "CREATE Bombs")).startsWith("b0 OK"));
            for (StringBuilder m : List.of(deep, wide)) {
                List<String> r = c.command("b1", "APPEND Bombs {" + m.length() + "+}\r\n" + m);
                assertTrue(last(r).startsWith("b1 OK [APPENDUID"), r::toString);
            }
            c.command("b2", "SELECT Bombs");
            List<String> d = c.command("b3", "FETCH 1 BODYSTRUCTURE");
            assertEquals("b3 OK FETCH completed", last(d));
            long depth = 0;
            long max = 0;
            for (char ch : d.getFirst().toCharArray()) {
                depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
                max = Math.max(max, depth);
            }
            assertTrue(max < 200, "5000 levels cut to the store's bound: " + max + " nested lists");
            List<String> w = c.command("b4", "FETCH 2 BODYSTRUCTURE");
            assertEquals("b4 OK FETCH completed", last(w));
            int parts = w.getFirst().split("\"TEXT\" \"PLAIN\"", -1).length - 1;
            assertTrue(parts > 0 && parts <= 1001, "50,000 parts cut to the store's bound: " + parts);
            assertTrue(w.getFirst().length() < 512 * 1024, "a bounded line: " + w.getFirst().length());
            normalSession(c, "carl", true);
        }
    }

    // ---- mailbox names

    /** Files and directories under data/mail outside {@code excluded} (a user's Maildir). */
    private static TreeSet<String> mailTreeWithout(Path excluded) throws IOException {
        Path mail = athena.home().resolve("data/mail");
        try (Stream<Path> s = Files.walk(mail)) {
            return s.filter(p -> !p.startsWith(excluded)).map(p -> mail.relativize(p).toString())
                    .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void mailboxNamesCannotLeaveTheUsersMaildir() throws Exception {
        Path aliceDir = athena.inbox("alice", "example.org");
        Path bobDir = athena.inbox("bob", "example.org");
        TreeSet<String> before = mailTreeWithout(aliceDir);
        List<String> bobBefore = athena.messages(bobDir).stream().map(Path::toString).toList();
        String abs = athena.home().resolve("data/mail/example.org/bob").toString();
        // name -> what CREATE answers (OK: a folder of alice's own, of that very name; names read
        // as paths, a level "." or ".." or a leading "~", are refused as Dovecot refuses them)
        Map<String, String> creates = new java.util.LinkedHashMap<>();
        creates.put("\"../bob\"", "NO [CANNOT]");
        creates.put("\"../../example.org/bob/INBOX\"", "NO [CANNOT]");
        creates.put("\"INBOX/../../bob\"", "NO [CANNOT]");
        creates.put("\"..\"", "NO [CANNOT]");
        creates.put("\".\"", "NO [CANNOT]");
        creates.put("\".bob\"", "OK");
        creates.put("\"a.b..c\"", "OK");
        creates.put("\"~bob\"", "NO [CANNOT]");
        creates.put("\"" + abs + "\"", "NO");
        creates.put("\"/etc\"", "NO");
        creates.put("\"a//b\"", "NO");
        creates.put("\"&AC8-etc\"", "BAD"); // "/" in modified UTF-7, where it must be written as itself
        creates.put("\"&AC4ALg-\"", "BAD"); // ".." the same way
        creates.put("\"&AAA-\"", "BAD"); // NUL
        try (Client c = new Client()) {
            c.login("alice");
            int n = 0;
            for (Map.Entry<String, String> e : creates.entrySet()) {
                String tag = "c" + ++n;
                List<String> r = c.command(tag, "CREATE " + e.getKey());
                assertTrue(last(r).startsWith(tag + " " + e.getValue()), e.getKey() + ": " + r);
                List<String> append = c.command("p" + n, "APPEND " + e.getKey() + " {6+}\r\nX: y\r\n");
                String appended = e.getValue().startsWith("NO") ? "NO" : e.getValue(); // TRYCREATE for a name never made
                assertTrue(last(append).startsWith("p" + n + " " + appended), e.getKey() + ": " + append);
                if (e.getValue().equals("OK")) {
                    List<String> list = c.command("l" + n, "LIST \"\" " + e.getKey());
                    String bare = e.getKey().substring(1, e.getKey().length() - 1);
                    assertEquals(2, list.size(), "listed as alice's own folder of that name: " + list);
                    assertTrue(list.getFirst().endsWith(" " + e.getKey()) || list.getFirst().endsWith(" " + bare),
                            list::toString);
                    List<String> del = c.command("d" + n, "DELETE " + e.getKey());
                    assertTrue(last(del).startsWith("d" + n + " OK"), del::toString);
                    for (int cut = bare.lastIndexOf('/'); cut > 0; cut = bare.lastIndexOf('/', cut - 1)) {
                        c.command("dp", "DELETE \"" + bare.substring(0, cut) + "\""); // levels CREATE made
                    }
                }
            }
            assertEquals(before, mailTreeWithout(aliceDir), "nothing created or changed outside alice's Maildir");
            assertEquals(bobBefore, athena.messages(bobDir).stream().map(Path::toString).toList());
            normalSession(c, "alice", true);
        }
        normalSession("bob");
    }

    @Test
    void noOperationReachesAnotherUsersMailbox() throws Exception {
        Path bobDir = athena.inbox("bob", "example.org");
        List<String> bobBefore = athena.messages(bobDir).stream().map(Path::toString).toList();
        String abs = athena.home().resolve("data/mail/example.org/bob").toString();
        List<String> names = List.of("\"~bob/INBOX\"", "\"~bob\"", "\"#shared/bob\"", "\"#users/bob/INBOX\"",
                "\"bob@example.org\"", "\"user/bob\"", "\"../bob\"", "\"" + abs + "\"");
        try (Client c = new Client()) {
            c.login("alice");
            c.command("x0", "SELECT INBOX");
            assertEquals("x1 BAD LOGIN is not allowed now", last(c.command("x1", "LOGIN bob@example.org bob-pw")),
                    "no second login in a session");
            int n = 0;
            for (String name : names) {
                n++;
                String[][] expect = {
                    {"SELECT " + name, "NO [NONEXISTENT]"},
                    {"EXAMINE " + name, "NO [NONEXISTENT]"},
                    {"STATUS " + name + " (MESSAGES)", "NO [NONEXISTENT]"},
                    {"APPEND " + name + " {6+}\r\nX: y\r\n", "NO"},
                    {"COPY 1 " + name, "NO"},
                    {"MOVE 1 " + name, "NO"},
                    {"RENAME " + name + " Stolen", "NO [NONEXISTENT]"},
                    {"DELETE " + name, "NO"},
                    {"GETQUOTAROOT " + name, "NO [NONEXISTENT]"},
                    {"GETQUOTA " + name, "NO [NONEXISTENT]"},
                };
                for (String[] e : expect) {
                    String tag = "u" + n + e[0].substring(0, 3);
                    List<String> r = c.command(tag, e[0]);
                    assertTrue(last(r).startsWith(tag + " " + e[1]), e[0] + ": " + r);
                    if (e[0].startsWith("SELECT") || e[0].startsWith("EXAMINE")) {
                        c.command("re", "SELECT INBOX"); // a failed SELECT leaves none selected
                    }
                }
            }
            // SUBSCRIBE may name what does not exist (RFC 9051 6.3.7): it goes on alice's own list, naming nothing of bob's
            assertEquals("sb OK SUBSCRIBE completed", last(c.command("sb", "SUBSCRIBE \"~bob/INBOX\"")));
            List<String> lsub = c.command("ls", "LSUB \"\" \"~bob/*\"");
            assertEquals(2, lsub.size(), lsub::toString);
            assertTrue(lsub.getFirst().endsWith(" \"~bob/INBOX\"") || lsub.getFirst().endsWith(" ~bob/INBOX"),
                    lsub::toString);
            assertEquals("us OK UNSUBSCRIBE completed", last(c.command("us", "UNSUBSCRIBE \"~bob/INBOX\"")));
            List<String> ns = c.command("ns", "NAMESPACE");
            assertEquals("* NAMESPACE ((\"\" \"/\")) NIL NIL", ns.getFirst(), "no other users' or shared namespace");
            assertEquals(bobBefore, athena.messages(bobDir).stream().map(Path::toString).toList(), "bob's INBOX untouched");
            assertTrue(!Files.exists(bobDir.resolve(".Stolen")), "nothing renamed into bob's Maildir");
            normalSession(c, "alice", true);
        }
        try (Client c = new Client("127.0.0.5")) {
            // PLAIN with bob as authzid and alice's credentials: no master user, fails like a wrong password
            String ir = Base64.getEncoder().encodeToString("bob@example.org\0alice@example.org\0alice-pw"
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals("z1 NO [AUTHENTICATIONFAILED] authentication failed",
                    last(c.command("z1", "AUTHENTICATE PLAIN " + ir)));
        }
        normalSession("bob");
    }

    // ---- timeouts and limits

    @Test
    void idleSessionsAreClosedBeforeLoginSoonAndAfterItLater() throws Exception {
        // user and idler log in before the anonymous client connects: the 1 s before login is
        // their limit too, and must not run while the others are set up
        try (Client user = loggedIn("alice"); Client idler = loggedIn("carl"); Client anonymous = new Client()) {
            long greeted = System.nanoTime();
            idler.command("s", "SELECT INBOX");
            long start = System.nanoTime();
            idler.send("i1 IDLE\r\n");
            assertEquals("+ idling", idler.line());
            assertEquals("* BYE autologout: idle for too long", anonymous.line());
            anonymous.assertClosed(Duration.ofSeconds(2));
            // 1 s before login; 10 s, the logged-in idle time, if that applied
            assertTrue(millisSince(greeted) < 6_000, "closed about 1 s after the greeting: " + millisSince(greeted));
            Thread.sleep(Math.max(0, 2_000 - millisSince(start)));
            assertEquals(List.of("t1 OK NOOP completed"), user.command("t1", "NOOP"),
                    "a logged-in session keeps the longer idle time");
            // IDLE without DONE: the 10 s idle time, then autologout as for any idle session
            assertEquals("* BYE autologout: idle for too long", idler.line());
            idler.assertClosed(Duration.ofSeconds(2));
            long closed = millisSince(start);
            assertTrue(closed >= 9_000 && closed < 15_000, "IDLE ends at the logged-in idle time: " + closed);
            normalSession(user, "alice", true);
        }
        normalSession("carl");
    }

    /** A client logged in as {@code user}. */
    private static Client loggedIn(String user) throws IOException {
        Client c = new Client();
        try {
            c.login(user);
        } catch (IOException | RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
        return c;
    }

    @Test
    void aTrickledCommandIsCutAtTheCommandDeadline() throws Exception {
        try (Client c = new Client()) {
            c.login("alice");
            long start = System.nanoTime();
            String bye = null;
            try {
                while (millisSince(start) < 10_000 && c.in.available() == 0) {
                    c.send("x");
                    Thread.sleep(200);
                }
            } catch (IOException closed) {
                // the server stopped reading
            }
            bye = c.line();
            assertEquals("* BYE autologout: idle for too long", bye);
            c.assertClosed(Duration.ofSeconds(2));
            long took = millisSince(start);
            assertTrue(took >= 2_500 && took < 6_000, "cut at the 3 s command deadline, though never idle: " + took);
        }
        normalSession("alice");
    }

    @Test
    void connectionsPerAddressAndSessionsPerUserAreLimited() throws Exception {
        List<Client> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                open.add(new Client("127.0.0.2"));
            }
            try (Client fifth = new Client("127.0.0.2", false)) {
                assertEquals("* BYE [UNAVAILABLE] too many connections from your address", fifth.line());
                fifth.assertClosed(Duration.ofSeconds(2));
            }
            normalSession("alice"); // from 127.0.0.1, not limited by 127.0.0.2's connections
            open.removeFirst().close();
            Await.until("a slot for 127.0.0.2 again", Duration.ofSeconds(5), () -> {
                try (Client again = new Client("127.0.0.2", false)) {
                    return again.line();
                }
            }, l -> l != null && l.startsWith("* OK"));
        } finally {
            for (Client c : open) {
                c.close();
            }
        }
        List<Client> sessions = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Client c = new Client();
                sessions.add(c);
                c.login("bob");
            }
            try (Client fourth = new Client()) {
                assertEquals("u4 NO [LIMIT] too many sessions of bob@example.org",
                        last(fourth.command("u4", "LOGIN bob@example.org bob-pw")));
                assertEquals("u5 BAD SELECT is not allowed before login", last(fourth.command("u5", "SELECT INBOX")),
                        "still not logged in");
                normalSession(fourth, "alice", false); // another user is not limited by bob's sessions
            }
            sessions.removeFirst().command("lo", "LOGOUT");
            Await.until("bob may log in again", Duration.ofSeconds(5), () -> {
                try (Client again = new Client()) {
                    return last(again.command("u6", "LOGIN bob@example.org bob-pw"));
                }
            }, l -> l != null && l.startsWith("u6 OK"));
        } finally {
            for (Client c : sessions) {
                c.close();
            }
        }
        normalSession("bob");
    }

    @Test
    void failedLoginsAreDelayedAndUnknownUsersLookLikeWrongPasswords() throws Exception {
        String unknown;
        String wrong;
        long unknownMillis;
        long wrongMillis;
        try (Client c = new Client("127.0.0.3")) {
            long start = System.nanoTime();
            unknown = last(c.command("f1", "LOGIN nobody@example.org some-pw"));
            unknownMillis = millisSince(start);
        }
        try (Client c = new Client("127.0.0.4")) {
            long start = System.nanoTime();
            wrong = last(c.command("f1", "LOGIN alice@example.org wrong-pw"));
            wrongMillis = millisSince(start);
            assertEquals("f1 NO [AUTHENTICATIONFAILED] authentication failed", wrong);
            assertEquals(wrong, unknown, "one answer for an unknown user and a wrong password");
            assertTrue(unknownMillis >= 400 && wrongMillis >= 400 && unknownMillis < 2_000 && wrongMillis < 2_000,
                    "both after the 400 ms delay, neither told by time: " + unknownMillis + " / " + wrongMillis);
            long second = System.nanoTime();
            String sasl = last(c.command("f2", "AUTHENTICATE PLAIN " + Base64.getEncoder().encodeToString(
                    "\0nobody@example.org\0some-pw".getBytes(StandardCharsets.UTF_8))));
            assertEquals("f2 NO [AUTHENTICATIONFAILED] authentication failed", sasl);
            assertTrue(millisSince(second) >= 800, "the delay doubles for the address: " + millisSince(second));
            assertEquals("f3 NO [AUTHENTICATIONFAILED] authentication failed",
                    last(c.command("f3", "LOGIN alice@example.org wrong-again")));
            assertEquals("* BYE too many authentication failures", c.line());
            c.assertClosed(Duration.ofSeconds(2));
        }
        try (Client c = new Client("127.0.0.4")) {
            normalSession(c, "alice", false); // after its penalty wait, the right password logs in
        }
    }

    // ---- octets that must never pass

    @Test
    void nulAndControlCharactersAreRefusedNeverTruncated() throws Exception {
        try (Client c = new Client()) {
            assertEquals("k1 BAD NUL in command", last(c.command("k1", "LOGIN \"alice@example.org\0junk\" alice-pw")));
            assertEquals("k2 BAD NUL in command", last(c.command("k2", "LOGIN alice@example.org\0junk alice-pw")));
            assertEquals("k3 BAD control character in command",
                    last(c.command("k3", "LOGIN \"alice@example.org\u0001\" alice-pw")));
            assertEquals("k4 BAD control character in command",
                    last(c.command("k4", "LOGIN alice@example.org alice-pw\u007f")));
            assertEquals("+ Ready for literal data", c.announce("k5 LOGIN {18}"));
            assertEquals("k5 BAD NUL in literal", last(c.rest("k5", "alice@example.org\0 alice-pw")));
            assertEquals("k6 BAD SELECT is not allowed before login", last(c.command("k6", "SELECT INBOX")),
                    "none of them logged in");
            c.login("alice");
            assertEquals("k7 BAD NUL in command", last(c.command("k7", "SELECT \"INBOX\0/../../bob\"")));
            assertEquals("k8 BAD control character in command", last(c.command("k8", "CREATE \"a\u001bb\"")));
            c.command("s", "SELECT INBOX");
            assertEquals("k9 BAD NUL in command", last(c.command("k9", "SEARCH SUBJECT \"hello\0x\"")));
            assertEquals("k10 BAD NUL in command", last(c.command("k10", "STORE 1 +FLAGS (\\Seen\0)")));
            assertEquals("+ Ready for literal data", c.announce("k11 CREATE {5}"));
            assertEquals("k11 BAD NUL in literal", last(c.rest("k11", "ab\0cd")));
            List<String> utf8 = c.command("k12", "CREATE \"\u00ff\u00fe\"");
            assertTrue(last(utf8).startsWith("k12 BAD"), "8-bit in a quoted name before ENABLE UTF8=ACCEPT: " + utf8);
            normalSession(c, "alice", true);
        }
        try (Client c = new Client()) {
            c.send("b1 NOOP \"x\ry\"\r\n");
            assertEquals("* BYE bare CR", c.line());
            c.assertClosed(Duration.ofSeconds(2));
        }
        try (Client c = new Client()) {
            c.send("b2 NOOP x\ny\r\n");
            assertEquals("* BYE bare LF", c.line());
            c.assertClosed(Duration.ofSeconds(2));
        }
        normalSession("alice");
    }

    @Test
    void plaintextPipelinedBehindStarttlsEndsTheSession() throws Exception {
        Await.until("a certificate for STARTTLS", Duration.ofSeconds(20), () -> {
            try (Client c = new Client()) {
                return c.command("c", "CAPABILITY").getFirst();
            }
        }, l -> l.contains(" STARTTLS"));
        try (Client c = new Client()) {
            c.send("t1 STARTTLS\r\nt2 LOGIN alice@example.org alice-pw\r\n");
            assertEquals("* BYE commands pipelined after STARTTLS", c.line());
            c.assertClosed(Duration.ofSeconds(2));
        }
        normalSession("alice");
    }

    @Test
    void aClientThatKeepsErringIsShownTheDoor() throws Exception {
        try (Client c = new Client()) {
            for (int i = 1; i < 20; i++) {
                assertEquals("e" + i + " BAD unknown command BOGUS", last(c.command("e" + i, "BOGUS")));
            }
            assertEquals("e20 BAD unknown command BOGUS", last(c.command("e20", "BOGUS")));
            assertEquals("* BYE too many bad commands, closing", c.line());
            c.assertClosed(Duration.ofSeconds(2));
        }
        normalSession("alice");
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * A plaintext IMAP client over a raw socket: responses as lines, a literal in a response
     * read whole and kept in its line.
     */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Client() throws IOException {
            this("127.0.0.1");
        }

        Client(String from) throws IOException {
            this(from, true);
        }

        /** @param greeted read and check the greeting */
        Client(String from, boolean greeted) throws IOException {
            socket = new Socket();
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", imap), 5_000);
            socket.setSoTimeout(15_000);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            if (greeted) {
                String greeting = line();
                assertTrue(greeting != null && greeting.startsWith("* OK"), greeting);
            }
        }

        void send(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** One response line (a literal in it included), null at end of stream. */
        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
                }
                if (c == '\n') {
                    String l = b.toString(StandardCharsets.UTF_8);
                    l = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\d+)\\}$").matcher(l);
                    if (m.find() && !l.startsWith("+ ")) {
                        byte[] lit = in.readNBytes(Integer.parseInt(m.group(1)));
                        b.reset();
                        b.write(l.getBytes(StandardCharsets.UTF_8));
                        b.write(lit);
                        continue;
                    }
                    return l;
                }
                b.write(c);
            }
        }

        /** Sends a line announcing a synchronising literal and returns the one line that answers it. */
        String announce(String line) throws IOException {
            send(line + "\r\n");
            return line();
        }

        /** Sends a command and reads up to its tagged reply, or to the end of the stream. */
        List<String> command(String tag, String text) throws IOException {
            send(tag + " " + text + "\r\n");
            return replies(tag);
        }

        /** Sends the rest of a command after a granted literal (CRLF added) and reads its replies. */
        List<String> rest(String tag, String rest) throws IOException {
            send(rest + "\r\n");
            return replies(tag);
        }

        private List<String> replies(String tag) throws IOException {
            List<String> lines = new ArrayList<>();
            while (true) {
                String l = line();
                if (l == null) {
                    return lines;
                }
                lines.add(l);
                if (l.startsWith(tag + " ")) {
                    return lines;
                }
                if (l.startsWith("* BAD line longer")) {
                    return lines; // the command was never read: the refusal is untagged
                }
            }
        }

        void login(String user) throws IOException {
            List<String> r = command("lg", "LOGIN " + user + "@example.org " + user + "-pw");
            assertTrue(last(r).startsWith("lg OK"), r::toString);
        }

        /** The server closes the connection within {@code within}, sending nothing more. */
        void assertClosed(Duration within) throws IOException {
            socket.setSoTimeout((int) within.toMillis());
            try {
                assertNull(line(), "nothing after the goodbye");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("still open after " + within, e);
            } catch (java.net.SocketException e) {
                // reset by the server: closed as well
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
