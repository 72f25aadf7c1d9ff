package org.postrider.itest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.LineClient;
import org.postrider.itest.harness.Python;

/**
 * The store bundle is replaced twice in deploy/ while 20 POP3 sessions (Python's poplib, one
 * process each, logging in again after each QUIT) read and delete mail of four users and an
 * SMTP client (smtplib) keeps submitting. What must hold:
 * <ul>
 * <li>every POP3 reply a session gets is +OK or a retryable -ERR ([SYS/TEMP], [IN-USE]: RFC 3206,
 * 2449): no connection ends without a reply, no other -ERR; the server keeps running and logs no
 * error or exception;</li>
 * <li>a UIDL names one message only, and a message keeps its UIDL (across sessions, swaps and a
 * restart);</li>
 * <li>every message accepted with 250 is delivered exactly once: deleted by a session whose QUIT
 * said +OK, or still in the mailbox at the end (a QUIT that said -ERR may or may not have
 * removed its messages), never two copies, and none comes back after a QUIT removed it;</li>
 * <li>each INBOX's UIDVALIDITY stays, its UIDNEXT and HIGHESTMODSEQ never go back (before the
 * swaps, after each, after the load, after a restart), and every UID a session was given is
 * below the UIDNEXT read after it.</li>
 * </ul>
 */
class StoreHotSwapIT {
    private static final int USERS = 4;
    private static final int SESSIONS = 20;
    private static final int PRE_DELIVERED = 25; // per user
    private static final int MAX_STREAM = 900;

    @RegisterExtension
    final Instances instances = new Instances();

    /** One cycle of a POP3 session's work, repeated until the stop file appears; events on stdout. */
    private static final String SESSION = """
            import base64, hashlib, hmac, os, poplib, random, ssl, sys, time
            port, user, pw, sid, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            rnd = random.Random(sid)
            salted_cache = {}
            b64 = lambda b: base64.b64encode(b).decode()
            def out(*a):
                print(*a, flush=True)
            def text(e):
                a = e.args[0] if e.args else b''
                t = a.decode('utf-8', 'replace') if isinstance(a, bytes) else str(a)
                return t.replace('\\r', ' ').replace('\\n', ' ')
            def retryable(t):
                return t.startswith('-ERR [SYS/TEMP]') or t.startswith('-ERR [IN-USE]')
            def scram(p):
                # RFC 5802's client; SaltedPassword cached per salt as clients may do (RFC 5802 5.1)
                bare = 'n=%s,r=%s' % (user, b64(os.urandom(18)))
                first = p._shortcmd('AUTH SCRAM-SHA-256 ' + b64(b'n,,' + bare.encode()))
                server_first = base64.b64decode(first[2:]).decode()
                f = dict(kv.split('=', 1) for kv in server_first.split(','))
                key = (f['s'], f['i'])
                if key not in salted_cache:
                    salted_cache[key] = hashlib.pbkdf2_hmac('sha256', pw.encode(), base64.b64decode(f['s']), int(f['i']))
                salted = salted_cache[key]
                client_key = hmac.digest(salted, b'Client Key', 'sha256')
                without_proof = 'c=biws,r=' + f['r']
                auth = ','.join([bare, server_first, without_proof]).encode()
                sig = hmac.digest(hashlib.sha256(client_key).digest(), auth, 'sha256')
                proof = bytes(a ^ b for a, b in zip(client_key, sig))
                final = p._shortcmd(b64((without_proof + ',p=' + b64(proof)).encode()))
                expected = 'v=' + b64(hmac.digest(hmac.digest(salted, b'Server Key', 'sha256'), auth, 'sha256'))
                if base64.b64decode(final[2:]).decode() != expected:
                    raise poplib.error_proto(b'bad server signature')
                t = time.monotonic_ns()
                p._shortcmd('')
                return t
            def message_id(lines):
                for l in lines:
                    if not l:
                        break
                    if l.lower().startswith(b'message-id:'):
                        return l.split(b':', 1)[1].strip().decode()
                return None
            def cycle(c):
                try:
                    p = poplib.POP3_SSL('127.0.0.1', port, context=ctx, timeout=30)
                except poplib.error_proto as e:
                    t = text(e); out('ERR' if retryable(t) else 'FAIL', c, 'greeting', t); return
                except Exception as e:
                    out('FAIL', c, 'connect', repr(e)); return
                stage = 'login'
                try:
                    try:
                        if c % 5 == 0:
                            p.user(user); t0 = time.monotonic_ns(); p.pass_(pw)
                        else:
                            t0 = scram(p)
                    except poplib.error_proto as e:
                        t = text(e)
                        if not retryable(t):
                            out('FAIL', c, 'login', t); p.close(); return
                        out('ERR', c, 'login', t)
                        stage = 'quit after refused login'
                        p.quit()
                        time.sleep(rnd.uniform(0.02, 0.2))
                        return
                    out('IN', c, t0)
                    stage = 'uidl'
                    count = p.stat()[0]
                    uidls = {}
                    for line in p.uidl()[1]:
                        n, u = line.decode().split(' ')
                        uidls[int(n)] = u
                        out('L', c, u)
                    if sorted(uidls) != list(range(1, count + 1)):
                        out('FAIL', c, 'uidl', 'UIDL lists %s for STAT %d' % (sorted(uidls), count))
                    nums = list(uidls)
                    rnd.shuffle(nums)
                    for i, n in enumerate(nums[:5]):
                        stage = 'retr' if i < 3 else 'top'
                        try:
                            lines = p.retr(n)[1] if i < 3 else p.top(n, 0)[1]
                        except poplib.error_proto as e:
                            t = text(e)
                            out('ERR' if retryable(t) else 'FAIL', c, stage, t)
                            continue
                        mid = message_id(lines)
                        if mid is None:
                            out('FAIL', c, stage, 'no Message-ID in message %d (%s)' % (n, uidls[n])); continue
                        out('M', c, uidls[n], mid)
                        if i < 3:
                            if ('body of ' + mid).encode() not in lines:
                                out('FAIL', c, stage, 'the text of %s is not its own' % mid)
                            elif rnd.random() < 0.3:
                                stage = 'dele'
                                p.dele(n)
                                out('D', c, uidls[n], mid)
                    stage = 'quit'
                    try:
                        r = p.quit()
                    except poplib.error_proto as e:
                        t = text(e)
                        out('QERR' if retryable(t) else 'FAIL', c, 'quit', t)
                        p.close()
                        return
                    out('QOK', c, time.monotonic_ns(), r.decode())
                except poplib.error_proto as e:
                    out('FAIL', c, stage, text(e))
                except Exception as e:
                    out('FAIL', c, stage, repr(e))
                try:
                    p.close()
                except Exception:
                    pass
            c = 0
            while not os.path.exists(stop):
                cycle(c)
                c += 1
                time.sleep(rnd.uniform(0, 0.05))
            out('END', c)
            """;

    /** Submits numbered messages round robin to the users until the stop file or the count; 4xx retried. */
    private static final String SUBMITTER = """
            import os, smtplib, sys, time
            port, stop, count, tag, pace = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
            users = sys.argv[6:]
            s = None
            i = 0
            while i < count and not os.path.exists(stop):
                rcpt = users[i % len(users)]
                mid = '<%s-%d@example.net>' % (tag, i)
                # every eighth message is long enough (48 KB) that a RETR of it takes a while
                filler = ('filler line of a long message\\r\\n' * 1500) if i % 8 == 0 else ''
                msg = ('From: carol@example.net\\r\\nTo: %s\\r\\nMessage-ID: %s\\r\\nSubject: %s %d\\r\\n\\r\\nbody of %s\\r\\n%s'
                       % (rcpt, mid, tag, i, mid, filler)).encode()
                try:
                    if s is None:
                        s = smtplib.SMTP('127.0.0.1', port, timeout=60)
                    s.sendmail('carol@example.net', [rcpt], msg)
                    print('ACK', i, mid, rcpt, flush=True)
                    i += 1
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as e:
                    code = (list(e.recipients.values())[0][0] if isinstance(e, smtplib.SMTPRecipientsRefused)
                            else e.smtp_code)
                    if 400 <= code < 500:
                        print('TEMP', i, code, flush=True)
                        time.sleep(0.5)
                    else:
                        print('REJ', i, code, repr(e), flush=True)
                        i += 1
                except (smtplib.SMTPServerDisconnected, OSError) as e:
                    print('DROP', i, repr(e), flush=True)
                    s = None
                    i += 1
                time.sleep(pace)
            if s is not None:
                s.quit()
            print('END', i, flush=True)
            """;

    /** After the restart: every message of each user by UIDL and Message-ID, nothing changed. */
    private static final String INVENTORY = """
            import poplib, ssl, sys
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            port = int(sys.argv[1])
            for user in sys.argv[2:]:
                p = poplib.POP3_SSL('127.0.0.1', port, context=ctx, timeout=30)
                p.user(user); p.pass_(user + '-pw')
                count = p.stat()[0]
                print('STAT', user, count)
                for line in p.uidl()[1]:
                    n, u = line.decode().split(' ')
                    mid = None
                    for l in p.top(int(n), 0)[1]:
                        if l.lower().startswith(b'message-id:'):
                            mid = l.split(b':', 1)[1].strip().decode()
                    print('M', user, u, mid)
                p.quit()
            """;

    /** One line a session printed, with when the test read it (System.nanoTime). */
    record Event(int session, String user, long seen, String[] f) {
        String kind() {
            return f[0];
        }

        int cycle() {
            return Integer.parseInt(f[1]);
        }

        String rest(int from) {
            return String.join(" ", java.util.Arrays.copyOfRange(f, from, f.length));
        }
    }

    /** A folder's marks as store:info prints them, and when the command was issued. */
    record Marks(long uidValidity, long uidNext, long highestModSeq, long messages, long takenAt) {
        @Override
        public String toString() {
            return "uidvalidity " + uidValidity + " uidnext " + uidNext + " highestmodseq " + highestModSeq
                    + " messages " + messages;
        }
    }

    @Test
    void theStoreIsReplacedTwiceUnderPop3AndSmtpLoadAndNothingIsLostOrReused() throws Exception {
        long started = System.nanoTime();
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s", "agentWait", "1s"));
        // 20 sessions from one address plus those still closing: above the default 20 per address.
        athena.config("org.postrider.pop3", Map.of("maxPerAddress", "60"));
        athena.start();
        List<String> users = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            users.add("u" + u + "@example.org");
            athena.admin("dir:user-add", users.get(u), users.get(u) + "-pw").ok();
        }
        int smtp = athena.listenerPort("smtp");
        int pop3s = athena.listenerPort("pop3s");
        long pid = athena.process().orElseThrow().pid();
        Path work = Files.createDirectories(athena.home().resolve("swap-test"));
        Path sessionScript = work.resolve("session.py");
        Files.writeString(sessionScript, SESSION);
        Path submitScript = work.resolve("submit.py");
        Files.writeString(submitScript, SUBMITTER);

        // Accepted messages by Message-ID -> recipient; submitter problems.
        Map<String, String> accepted = new java.util.concurrent.ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> smtpProblems = new ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger temporary = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Consumer<String> onSubmit = l -> {
            String[] f = l.split(" ", 4);
            switch (f[0]) {
                case "ACK" -> accepted.put(f[2], f[3]);
                case "TEMP" -> temporary.incrementAndGet();
                case "END" -> { }
                default -> smtpProblems.add(l);
            }
        };
        List<String> submitArgs = new ArrayList<>(List.of("python3", submitScript.toString(), String.valueOf(smtp),
                work.resolve("no-stop").toString(), String.valueOf(USERS * PRE_DELIVERED), "pre", "0"));
        submitArgs.addAll(users);
        LineClient pre = new LineClient(new ProcessBuilder(submitArgs), work.resolve("pre.err"), onSubmit);
        assertNull(pre.await(Duration.ofSeconds(60)), "the first messages were submitted");
        assertEquals(USERS * PRE_DELIVERED, accepted.size(), "every first message accepted: " + smtpProblems);
        athena.awaitQueueEmpty(Duration.ofSeconds(60));

        Map<String, List<Marks>> marks = new LinkedHashMap<>();
        readMarks(athena, users, marks);

        // The load: 20 POP3 sessions, 5 for each user, and the SMTP stream.
        Path stop = work.resolve("stop");
        ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
        List<LineClient> sessions = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            int session = s;
            String user = users.get(s % USERS);
            sessions.add(new LineClient(new ProcessBuilder("python3", sessionScript.toString(), String.valueOf(pop3s),
                    user, user + "-pw", String.valueOf(s), stop.toString()), work.resolve("session-" + s + ".err"),
                    l -> events.add(new Event(session, user, System.nanoTime(), l.split(" ")))));
        }
        submitArgs = new ArrayList<>(List.of("python3", submitScript.toString(), String.valueOf(smtp),
                stop.toString(), String.valueOf(MAX_STREAM), "swap", "0.02"));
        submitArgs.addAll(users);
        LineClient stream = new LineClient(new ProcessBuilder(submitArgs), work.resolve("stream.err"), onSubmit);

        int preCount = accepted.size();
        awaitProgress(events, accepted, Long.MIN_VALUE, preCount + 100, "the load under way");
        Path jar = athena.home().resolve("deploy/postrider-store-maildir.jar");
        String version = BundleJars.version(jar);
        for (String swap : List.of("swap1", "swap2")) {
            long before = System.nanoTime();
            int acceptedBefore = accepted.size();
            Path staged = athena.home().resolve("store-" + swap + ".jar");
            BundleJars.withVersion(jar, staged, version + swap);
            Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Await.until("the store bundle " + version + swap, Duration.ofSeconds(45),
                    () -> athena.admin("postrider:contracts").ok().out(), o -> o.contains(version + swap));
            System.out.printf("StoreHotSwapIT: %s in service after %d ms%n", swap,
                    (System.nanoTime() - before) / 1_000_000);
            Await.until("the store's commands back after " + swap, Duration.ofSeconds(30),
                    () -> athena.admin("store:info", users.get(0)), r -> r.exit() == 0 && r.out().contains("uidnext"));
            readMarks(athena, users, marks);
            // Sessions and submissions go on through the new store before the next step.
            awaitProgress(events, accepted, before, acceptedBefore + 100, "the load going on after " + swap);
        }
        int acceptedAtStop = accepted.size();
        Files.createFile(stop);
        List<String> problems = new ArrayList<>();
        for (int s = 0; s < SESSIONS; s++) {
            String r = sessions.get(s).await(Duration.ofSeconds(60));
            if (r != null) {
                problems.add("session " + s + " " + r);
            }
        }
        String r = stream.await(Duration.ofSeconds(60));
        if (r != null) {
            problems.add("submitter " + r);
        }
        assertEquals(List.of(), problems, "the clients ended normally");
        assertEquals(pid, athena.process().orElseThrow().pid(), "the server did not crash");
        athena.awaitQueueEmpty(Duration.ofSeconds(60));
        readMarks(athena, users, marks);
        athena.stop();
        athena.start();
        readMarks(athena, users, marks);

        List<String> inventoryArgs = new ArrayList<>(List.of(String.valueOf(athena.listenerPort("pop3s"))));
        inventoryArgs.addAll(users);
        String inventory = Python.run(work, INVENTORY, inventoryArgs.toArray(String[]::new)).ok().out();
        Findings found = new Findings(users, new ArrayList<>(events), accepted, marks);
        found.replies();
        found.uidls(inventory);
        found.exactlyOnce(onDisk(athena, users), inventory);
        found.marks(inventory);
        found.serverLogs(athena);

        System.out.printf("StoreHotSwapIT: %d s; %d accepted over SMTP (%d while the load ran, %d 4xx retried); %s%n",
                (System.nanoTime() - started) / 1_000_000_000L, accepted.size(), acceptedAtStop - preCount,
                temporary.get(), found.summary);
        marks.forEach((u, ms) -> System.out.println("  " + u + " " + ms));
        assertEquals(List.of(), new ArrayList<>(smtpProblems), "SMTP refused nothing for good and dropped nothing");
        List<String> v = found.violations;
        assertEquals(List.of(), v.size() > 60 ? v.subList(0, 60) : v, v.size() + " violations");
    }

    /** What the events, the final mailboxes and the marks show, checked against the properties. */
    static final class Findings {
        final List<String> users;
        final List<Event> all;
        final Map<String, String> accepted;
        final Map<String, List<Marks>> marks;
        final List<String> violations = new ArrayList<>();
        final StringBuilder summary = new StringBuilder();
        private final Map<String, List<Event>> byKind = new HashMap<>();

        Findings(List<String> users, List<Event> all, Map<String, String> accepted, Map<String, List<Marks>> marks) {
            this.users = users;
            this.all = all;
            this.accepted = accepted;
            this.marks = marks;
            all.forEach(e -> byKind.computeIfAbsent(e.kind(), k -> new ArrayList<>()).add(e));
        }

        private List<Event> of(String kind) {
            return byKind.getOrDefault(kind, List.of());
        }

        /** Every reply +OK or a retryable -ERR; every session ran to its end. */
        void replies() {
            Map<String, Integer> retryable = new TreeMap<>();
            for (Event e : all) {
                switch (e.kind()) {
                    case "FAIL" -> violations.add("session " + e.session() + " (" + e.user() + ") cycle " + e.f()[1]
                            + " at " + e.f()[2] + ": " + e.rest(3));
                    case "ERR", "QERR" -> retryable.merge(e.f()[2] + ": " + e.rest(3).replaceAll("\\d+", "N"), 1,
                            Integer::sum);
                    default -> { }
                }
            }
            if (of("END").size() != SESSIONS) {
                violations.add(of("END").size() + " of " + SESSIONS + " sessions reported their end");
            }
            summary.append(of("IN").size()).append(" logins, ").append(of("QOK").size()).append(" QUIT +OK; ")
                    .append("retryable -ERR: ").append(retryable);
        }

        /** A UIDL names one message, and a message keeps its UIDL, in the sessions and after the restart. */
        void uidls(String inventory) {
            Map<String, String> uidlToMessage = new HashMap<>();
            Map<String, Set<String>> messageToUidls = new HashMap<>();
            List<String[]> seen = new ArrayList<>();
            for (Event e : all) {
                if (e.kind().equals("M") || e.kind().equals("D")) {
                    seen.add(new String[] {e.user(), e.f()[2], e.f()[3]});
                }
            }
            for (String line : inventory.lines().filter(l -> l.startsWith("M ")).toList()) {
                String[] f = line.split(" ");
                seen.add(new String[] {f[1], f[2], f[3]});
            }
            for (String[] s : seen) {
                String uidl = s[0] + " " + s[1];
                String before = uidlToMessage.putIfAbsent(uidl, s[2]);
                if (before != null && !before.equals(s[2])) {
                    violations.add("UIDL " + uidl + " named " + before + " and " + s[2]);
                }
                messageToUidls.computeIfAbsent(s[2], k -> new java.util.TreeSet<>()).add(uidl);
            }
            messageToUidls.forEach((m, u) -> {
                if (u.size() > 1) {
                    violations.add(m + " was seen under several UIDLs: " + u);
                }
            });
        }

        /**
         * Every accepted message once: removed by a QUIT +OK (or perhaps by one that said -ERR),
         * or in the mailbox at the end, never twice; none seen again by a session that logged in
         * after the QUIT +OK that removed it.
         */
        void exactlyOnce(Map<String, Integer> onDisk, String inventory) {
            Map<String, Integer> byPop3 = new HashMap<>();
            inventory.lines().filter(l -> l.startsWith("M ")).forEach(l -> byPop3.merge(l.split(" ")[3], 1,
                    Integer::sum));
            if (!onDisk.equals(byPop3)) {
                violations.add("POP3 after the restart and the Maildirs disagree: POP3 " + new TreeMap<>(byPop3)
                        + " disk " + new TreeMap<>(onDisk));
            }
            Map<String, List<Event>> deletions = new HashMap<>(); // by "session cycle"
            of("D").forEach(d -> deletions.computeIfAbsent(d.session() + " " + d.cycle(), k -> new ArrayList<>())
                    .add(d));
            Map<String, Integer> removed = new HashMap<>();
            Set<String> maybeRemoved = new HashSet<>();
            for (Event q : of("QOK")) {
                List<Event> ds = deletions.getOrDefault(q.session() + " " + q.cycle(), List.of());
                ds.forEach(d -> removed.merge(d.f()[3], 1, Integer::sum));
                if (!q.rest(3).contains("(" + ds.size() + " messages deleted)")) {
                    violations.add("session " + q.session() + " cycle " + q.cycle() + " deleted " + ds.size()
                            + " but QUIT said " + q.rest(3));
                }
                resurrections(q, ds);
            }
            for (Event q : of("QERR")) {
                deletions.getOrDefault(q.session() + " " + q.cycle(), List.of()).forEach(d -> maybeRemoved.add(
                        d.f()[3]));
            }
            onDisk.forEach((m, n) -> {
                if (n > 1) {
                    violations.add(m + " is " + n + " times in the mailbox");
                }
                if (removed.containsKey(m)) {
                    violations.add(m + " is in the mailbox after a QUIT +OK removed it");
                }
                if (!accepted.containsKey(m)) {
                    violations.add(m + " is in the mailbox but was never accepted");
                }
            });
            removed.forEach((m, n) -> {
                if (n > 1) {
                    violations.add(m + " was removed by " + n
                            + " QUITs +OK: delivered more than once, or a removal did not happen");
                }
            });
            List<String> lost = accepted.keySet().stream().filter(m -> !onDisk.containsKey(m)
                    && !removed.containsKey(m) && !maybeRemoved.contains(m)).sorted().toList();
            if (!lost.isEmpty()) {
                violations.add(lost.size() + " messages accepted with 250 are neither in the mailbox nor deleted by a"
                        + " client: " + (lost.size() > 20 ? lost.subList(0, 20) + "..." : lost));
            }
            summary.append("; ").append(removed.size()).append(" removed, ").append(maybeRemoved.size())
                    .append(" perhaps removed (QUIT -ERR), ").append(onDisk.size()).append(" left");
        }

        /** A session that sent its login after this QUIT +OK answered does not list what it removed. */
        private void resurrections(Event quit, List<Event> deletions) {
            if (deletions.isEmpty()) {
                return;
            }
            long answered = Long.parseLong(quit.f()[2]);
            Set<String> gone = new HashSet<>();
            deletions.forEach(d -> gone.add(d.f()[2]));
            Map<String, Long> loginSent = new HashMap<>();
            for (Event in : of("IN")) {
                if (in.user().equals(quit.user())) {
                    loginSent.put(in.session() + " " + in.cycle(), Long.parseLong(in.f()[2]));
                }
            }
            for (Event l : of("L")) {
                if (l.user().equals(quit.user()) && gone.contains(l.f()[2])) {
                    Long sent = loginSent.get(l.session() + " " + l.cycle());
                    if (sent != null && sent > answered) {
                        violations.add(l.user() + " UIDL " + l.f()[2] + " listed by session " + l.session()
                                + " cycle " + l.cycle() + " after session " + quit.session() + " cycle "
                                + quit.cycle() + " removed it");
                    }
                }
            }
        }

        /**
         * UIDVALIDITY stays, UIDNEXT and HIGHESTMODSEQ never go back (and grow with the load's
         * mail), and every UID a session was given, or the mailbox holds at the end, is below
         * the UIDNEXT read after it.
         */
        void marks(String inventory) {
            for (String u : users) {
                List<Marks> ms = marks.get(u);
                for (int i = 1; i < ms.size(); i++) {
                    Marks a = ms.get(i - 1);
                    Marks b = ms.get(i);
                    if (a.uidValidity() != b.uidValidity() || b.uidNext() < a.uidNext()
                            || b.highestModSeq() < a.highestModSeq()) {
                        violations.add(u + " INBOX marks went back: " + MARK_NAMES.get(i - 1) + " " + a + ", then "
                                + MARK_NAMES.get(i) + " " + b);
                    }
                }
                Marks first = ms.get(0);
                Marks loaded = ms.get(3);
                if (loaded.uidNext() <= first.uidNext() || loaded.highestModSeq() <= first.highestModSeq()) {
                    violations.add(u + " INBOX received mail during the load, yet " + first + " became " + loaded);
                }
                for (int i = 0; i < ms.size(); i++) {
                    Marks m = ms.get(i);
                    for (Event e : of("L")) {
                        if (e.user().equals(u) && e.seen() < m.takenAt()) {
                            belowUidNext(u, e.f()[2], m, "handed out before " + MARK_NAMES.get(i));
                        }
                    }
                }
                Marks last = ms.get(ms.size() - 1);
                inventory.lines().filter(l -> l.startsWith("M " + u + " "))
                        .forEach(l -> belowUidNext(u, l.split(" ")[2], last, "in the mailbox after a restart"));
            }
        }

        private void belowUidNext(String user, String uidl, Marks m, String when) {
            String[] p = uidl.split("\\.");
            if (Long.parseLong(p[0]) != m.uidValidity() || Long.parseLong(p[1]) >= m.uidNext()) {
                violations.add(user + " UIDL " + uidl + " " + when + ", yet the INBOX read " + m);
            }
        }

        /** The server logged no error and no exception through the swaps and the restart. */
        void serverLogs(Instance athena) throws Exception {
            for (String f : List.of("data/log/postrider.log", "data/log/console.log")) {
                Files.readAllLines(athena.home().resolve(f)).stream()
                        .filter(l -> l.contains(" ERROR ") || l.contains("Exception")).limit(10)
                        .forEach(l -> violations.add(f + ": " + l));
            }
        }
    }

    /** Each Message-ID in the users' INBOX Maildirs, with how many files hold it. */
    private static Map<String, Integer> onDisk(Instance athena, List<String> users) throws Exception {
        Map<String, Integer> onDisk = new HashMap<>();
        Pattern id = Pattern.compile("(?m)^Message-ID: (<[^>]+>)");
        for (String u : users) {
            String[] a = u.split("@");
            for (Path f : athena.messages(athena.inbox(a[0], a[1]))) {
                Matcher m = id.matcher(Files.readString(f));
                onDisk.merge(m.find() ? m.group(1) : "(none) " + f, 1, Integer::sum);
            }
        }
        return onDisk;
    }

    private static final List<String> MARK_NAMES = List.of("before the load", "after swap1", "after swap2",
            "after the load", "after a restart");

    /** Waits until, since {@code since}, 20 sessions cycles ended with QUIT +OK, and {@code accepted} messages. */
    private static void awaitProgress(ConcurrentLinkedQueue<Event> events, Map<String, String> accepted, long since,
            int acceptedAtLeast, String what) throws Exception {
        Await.until(what, Duration.ofSeconds(90), () -> {
            long quits = events.stream().filter(e -> e.kind().equals("QOK") && e.seen() > since).count();
            return quits + " QUIT +OK, " + accepted.size() + " accepted";
        }, s -> Long.parseLong(s.split(" ")[0]) >= 20 && accepted.size() >= acceptedAtLeast);
    }

    /** Reads each user's INBOX marks; the order of readings is MARK_NAMES. */
    private static void readMarks(Instance athena, List<String> users, Map<String, List<Marks>> marks)
            throws Exception {
        for (String u : users) {
            long at = System.nanoTime();
            String out = athena.admin("store:info", u).ok().out();
            marks.computeIfAbsent(u, k -> new ArrayList<>()).add(new Marks(field(out, "uidvalidity"),
                    field(out, "uidnext"), field(out, "highestmodseq"), field(out, "messages"), at));
        }
    }

    private static long field(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":\\s+(\\d+)").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + out);
        }
        return Long.parseLong(m.group(1));
    }
}
