package org.postrider.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.LineClient;
import org.postrider.itest.harness.ScriptedGateway;

/**
 * Issue 14's load test: while four SMTP clients (smtplib) send thousands of messages and
 * four IMAP clients (imaplib) read them, every app bundle jar in deploy/ is replaced, one
 * after another, by a new build (another Bundle-Version), so FileInstall updates it in place:
 * dns, the directory, the store, core, smtp, pop3, imap, internal, the scripted gateway and
 * runtime. Afterwards:
 * <ul>
 * <li>every message answered 250 is delivered exactly once (in a Maildir, or in the gateway's
 * outbox), found by its Message-ID, and nothing else is;</li>
 * <li>every client session either finished or was told to retry (a 4xx reply, an IMAP BYE, a
 * retryable NO) before it ended: no connection closed on a client without a word, and no
 * message text sent without an answer;</li>
 * <li>the log shows FileInstall updating each bundle, and the server process never restarted;</li>
 * <li>no connection is refused: while a listener's bundle is replaced, its listening socket
 * waits in the lineserver bundle for the new listener, and clients wait in its backlog;</li>
 * </ul>
 */
class EveryBundleSwapUnderLoadIT {
    private static final int SENDERS = 4;
    private static final int READERS = 4;
    private static final int MIN_MESSAGES = 2000;
    private static final int MAX_PER_SENDER = 5000;
    private static final int PROGRESS_BETWEEN_SWAPS = 100;

    @RegisterExtension
    final Instances instances = new Instances();

    /**
     * Sends numbered messages until the stop file appears (or the cap). Lines: ACK id, TEMP
     * code (4xx, the same message again), REFUSED (connect refused), BYE (421 or a greeting
     * refused), DROP stage (the server closed without a reply), UNKNOWN id (the text went out
     * and no reply came: the message may or may not be queued), FAIL (anything else). A 421
     * may answer any command (RFC 5321 3.8: a server that stops says so in reply to the
     * client's next command, whichever it is), EHLO and RSET too, whose replies the sender
     * reads as well: a stop's goodbye read there was taken for nothing, and the next MAIL
     * then met the closed connection, a DROP.
     */
    static final String SENDER = """
            import os, smtplib, socket, sys, time
            port, stop, cap, tag = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
            rcpts = sys.argv[5:]
            def out(*a):
                print(*a, flush=True)
            def said_bye(stage, reply):
                code, resp = reply
                if code != 421:
                    return False
                out('BYE', stage, resp.decode(errors='replace')); s.close()
                return True
            s = None
            i = 0
            while i < cap and not os.path.exists(stop):
                rcpt = rcpts[i % len(rcpts)]
                mid = '<%s-%d@example.net>' % (tag, i)
                msg = ('From: carol@example.net\\r\\nTo: %s\\r\\nMessage-ID: %s\\r\\nSubject: %s\\r\\n\\r\\nbody of %s\\r\\n'
                       % (rcpt, mid, mid, mid)).encode()
                stage = 'connect'
                try:
                    if s is None:
                        s = smtplib.SMTP('127.0.0.1', port, timeout=60)
                        stage = 'ehlo'
                        if said_bye(stage, s.ehlo()):
                            s = None; continue
                    stage = 'mail'
                    code, resp = s.mail('carol@example.net')
                    if code == 250:
                        stage = 'rcpt'; code, resp = s.rcpt(rcpt)
                    if code == 250:
                        stage = 'data'; code, resp = s.docmd('DATA')
                    if code == 354:
                        stage = 'text'
                        s.send(smtplib.quotedata(msg.decode()).encode() + b'\\r\\n.\\r\\n')
                        stage = 'reply'
                        code, resp = s.getreply()
                    if code == 250:
                        out('ACK', mid); i += 1
                    elif code == 421:
                        out('BYE', stage, resp.decode(errors='replace')); s.close(); s = None
                    elif 400 <= code < 500:
                        out('TEMP', stage, code, resp.decode(errors='replace'))
                        if stage != 'reply':
                            stage = 'rset'
                            if said_bye(stage, s.rset()):
                                s = None
                        time.sleep(0.2)
                    else:
                        out('FAIL', stage, code, resp.decode(errors='replace')); i += 1
                        stage = 'rset'
                        if said_bye(stage, s.rset()):
                            s = None
                except smtplib.SMTPConnectError as e:
                    out('BYE' if 400 <= e.smtp_code < 500 else 'FAIL', 'greeting', e.smtp_code); s = None
                    time.sleep(0.2)
                except ConnectionRefusedError:
                    out('REFUSED'); s = None; time.sleep(0.1)
                except (smtplib.SMTPServerDisconnected, OSError) as e:
                    out('UNKNOWN', mid, repr(e)) if stage == 'reply' else out('DROP', stage, repr(e))
                    try:
                        s.close()
                    except Exception:
                        pass
                    s = None; time.sleep(0.1)
            if s is not None:
                try:
                    s.quit()
                except Exception as e:
                    out('DROP', 'quit', repr(e))
            out('END', i)
            """;

    /**
     * Reads the user's INBOX over IMAPS: new messages' Message-IDs, NOOP, a new session every
     * 20 rounds. Lines: SEEN id, BYE (the server said BYE), NO text (a retryable NO),
     * REFUSED, DROP (closed without BYE), FAIL.
     */
    private static final String READER = """
            import imaplib, os, ssl, sys, time
            port, user, pw, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            def out(*a):
                print(*a, flush=True)
            last = 0
            while not os.path.exists(stop):
                m = None
                try:
                    m = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx, timeout=30)
                    typ, d = m.login(user, pw)
                    typ, d = m.select('INBOX')
                    if typ != 'OK':
                        out('NO', 'select', d); time.sleep(0.2); m.logout(); continue
                    for r in range(20):
                        if os.path.exists(stop):
                            break
                        typ, d = m.uid('FETCH', '%d:*' % (last + 1), '(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])')
                        if typ != 'OK':
                            out('NO', 'fetch', d)
                        else:
                            for part in d:
                                if isinstance(part, tuple):
                                    head = part[0].decode()
                                    uid = int(head.split('UID ')[1].split(' ')[0].rstrip(')'))
                                    if uid > last:
                                        last = uid
                                        out('SEEN', part[1].decode().split(':', 1)[1].strip())
                        m.noop()
                        time.sleep(0.1)
                    m.logout()
                except ConnectionRefusedError:
                    out('REFUSED'); time.sleep(0.1)
                except imaplib.IMAP4.abort as e:
                    t = str(e)
                    out('BYE' if 'BYE' in t.upper() or 'UNAVAILABLE' in t.upper() else 'DROP', t.replace('\\n', ' '))
                    time.sleep(0.1)
                except imaplib.IMAP4.error as e:
                    t = str(e)
                    out('NO' if '[UNAVAILABLE]' in t or '[SERVERBUG]' in t else 'FAIL', t.replace('\\n', ' '))
                    time.sleep(0.1)
                except OSError as e:
                    out('DROP', repr(e)); time.sleep(0.1)
            out('END', last)
            """;

    @Test
    void everyAppBundleIsReplacedWhileMailFlowsAndNothingIsLostOrDoubled() throws Exception {
        long started = System.nanoTime();
        Instance athena = instances.create("athena");
        // Fixed ports: a listener bound again after its bundle's update must come back where clients look.
        int smtp;
        int imaps;
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) { // two distinct ports
            smtp = a.getLocalPort();
            imaps = b.getLocalPort();
        }
        athena.config("org.postrider.smtp", Map.of("port", String.valueOf(smtp), "maxPerAddress", "100"));
        athena.config("org.postrider.imap", Map.of("tlsPort", String.valueOf(imaps), "maxPerAddress", "100"));
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s", "agentWait", "1s"));
        ScriptedGateway.install(athena, Map.of("pattern", "*@scripted.test", "outbox",
                athena.home().resolve("data/scripted").toString()));
        athena.start();
        ScriptedGateway.awaitBound(athena);
        List<String> users = List.of("u0@example.org", "u1@example.org", "u2@example.org", "u3@example.org");
        for (String u : users) {
            athena.admin("dir:user-add", u, u + "-pw").ok();
        }
        athena.admin("dir:alias-add", "gw@example.org", "gw@scripted.test").ok();
        List<String> rcpts = new ArrayList<>(users);
        rcpts.add("gw@example.org");
        long pid = athena.process().orElseThrow().pid();

        Path work = Files.createDirectories(athena.home().resolve("load"));
        Path stop = work.resolve("stop");
        Path sender = work.resolve("sender.py");
        Files.writeString(sender, SENDER);
        Path reader = work.resolve("reader.py");
        Files.writeString(reader, READER);

        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> unknown = ConcurrentHashMap.newKeySet();
        Set<String> seenByImap = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Map<String, java.util.concurrent.atomic.AtomicInteger> retried = new ConcurrentHashMap<>();
        List<LineClient> clients = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            String who = "sender " + s;
            List<String> cmd = new ArrayList<>(List.of("python3", sender.toString(), String.valueOf(smtp),
                    stop.toString(), String.valueOf(MAX_PER_SENDER), "s" + s));
            cmd.addAll(rcpts);
            clients.add(new LineClient(new ProcessBuilder(cmd), work.resolve("sender-" + s + ".err"), l -> {
                String[] f = l.split(" ", 3);
                switch (f[0]) {
                    case "ACK" -> {
                        if (!acked.add(f[1])) {
                            problems.add(who + ": a second 250 for " + f[1]);
                        }
                    }
                    case "UNKNOWN" -> {
                        unknown.add(f[1]);
                        problems.add(who + ": no reply to the message text: " + l);
                    }
                    case "TEMP", "BYE", "REFUSED" -> retried.computeIfAbsent("smtp " + f[0],
                            k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                    case "END" -> { }
                    default -> problems.add(who + ": " + l);
                }
            }));
        }
        for (int r = 0; r < READERS; r++) {
            String user = users.get(r);
            String who = "reader " + user;
            clients.add(new LineClient(new ProcessBuilder("python3", reader.toString(), String.valueOf(imaps), user,
                    user + "-pw", stop.toString()), work.resolve("reader-" + r + ".err"), l -> {
                        String[] f = l.split(" ", 2);
                        switch (f[0]) {
                            case "SEEN" -> seenByImap.add(f[1]);
                            case "BYE", "NO", "REFUSED" -> retried.computeIfAbsent("imap " + f[0],
                                    k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                            case "END" -> { }
                            default -> problems.add(who + ": " + l);
                        }
                    }));
        }

        Await.until("the load under way", Duration.ofSeconds(60), acked::size, n -> n >= PROGRESS_BETWEEN_SWAPS);
        List<String> order = List.of("postrider-dns.jar", "postrider-directory-file.jar",
                "postrider-store-maildir.jar", "postrider-core.jar", "postrider-smtp.jar", "postrider-pop3.jar",
                "postrider-imap.jar", "postrider-internal.jar", "gateway-scripted.jar", "postrider-runtime.jar");
        try (Stream<Path> deployed = Files.list(athena.home().resolve("deploy"))) {
            assertEquals(new java.util.TreeSet<>(order), deployed.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jar")).collect(java.util.stream.Collectors.toCollection(
                            java.util.TreeSet::new)), "every app jar in deploy/ is replaced");
        }
        Map<String, String> bsns = new TreeMap<>();
        StringBuilder timings = new StringBuilder();
        for (String jarName : order) {
            Path jar = athena.home().resolve("deploy/" + jarName);
            String bsn = symbolicName(jar);
            bsns.put(jarName, bsn);
            String version = BundleJars.version(jar) + "swap";
            Path staged = athena.home().resolve(jarName + ".next");
            BundleJars.withVersion(jar, staged, version);
            int ackedBefore = acked.size();
            long t0 = System.nanoTime();
            Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Await.until(bsn + " " + version + " active and the server ready", Duration.ofSeconds(60),
                    () -> activeAndReady(athena, bsn, version), ok -> ok);
            long inService = (System.nanoTime() - t0) / 1_000_000;
            Await.until("mail flowing after the update of " + bsn, Duration.ofSeconds(60), acked::size,
                    n -> n >= ackedBefore + PROGRESS_BETWEEN_SWAPS);
            timings.append(String.format("  %-32s in service after %5d ms, %d accepted meanwhile%n", bsn, inService,
                    acked.size() - ackedBefore));
        }
        Await.until(MIN_MESSAGES + " messages accepted", Duration.ofSeconds(90), acked::size,
                n -> n >= MIN_MESSAGES);
        Files.createFile(stop);
        List<String> ended = new ArrayList<>();
        for (LineClient c : clients) {
            String r = c.await(Duration.ofSeconds(90));
            if (r != null) {
                ended.add(r);
            }
        }
        assertEquals(List.of(), ended, "the clients ended normally");
        assertEquals(pid, athena.process().orElseThrow().pid(), "the server never restarted");
        athena.awaitQueueEmpty(Duration.ofSeconds(90));

        // Exactly once: in the users' Maildirs and in the gateway's outbox, by Message-ID.
        Map<String, Integer> delivered = new HashMap<>();
        List<Path> files = new ArrayList<>();
        for (String u : users) {
            files.addAll(athena.messages(athena.inbox(u.substring(0, u.indexOf('@')), "example.org")));
        }
        try (Stream<Path> out = Files.list(athena.home().resolve("data/scripted"))) {
            out.filter(p -> p.getFileName().toString().endsWith(".eml")).forEach(files::add);
        }
        Pattern id = Pattern.compile("(?mi)^Message-ID: (<s\\d+-\\d+@example.net>)");
        for (Path f : files) {
            Matcher m = id.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
            if (m.find()) {
                delivered.merge(m.group(1), 1, Integer::sum);
            }
        }
        List<String> wrong = new ArrayList<>();
        for (String a : acked) {
            int n = delivered.getOrDefault(a, 0);
            if (n != 1) {
                wrong.add(a + " accepted and delivered " + n + " times");
            }
        }
        delivered.forEach((m, n) -> {
            if (!acked.contains(m)) {
                wrong.add(m + " delivered " + n + " times and never accepted");
            }
        });
        for (String s : seenByImap) {
            if (!acked.contains(s)) {
                wrong.add(s + " seen over IMAP and never accepted");
            }
        }

        // The log tells each update.
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"), StandardCharsets.ISO_8859_1);
        List<String> untold = bsns.values().stream().filter(b -> !log.contains("Updating bundle " + b + " ")).toList();

        System.out.printf("EveryBundleSwapUnderLoadIT: %d s; %d accepted, %d delivered, %d seen over IMAP; "
                + "retries %s%n%s", (System.nanoTime() - started) / 1_000_000_000L, acked.size(),
                delivered.values().stream().mapToInt(Integer::intValue).sum(), seenByImap.size(),
                new TreeMap<>(retried), timings);
        List<String> p = new ArrayList<>(problems);
        assertEquals(List.of(), p.size() > 40 ? p.subList(0, 40) : p, p.size() + " client problems");
        assertEquals(List.of(), wrong.size() > 40 ? wrong.subList(0, 40) : wrong, wrong.size() + " delivery errors");
        assertEquals(List.of(), untold, "updates missing from the log");
        assertEquals(0, retried.getOrDefault("smtp REFUSED", new java.util.concurrent.atomic.AtomicInteger()).get()
                + retried.getOrDefault("imap REFUSED", new java.util.concurrent.atomic.AtomicInteger()).get(),
                "connections refused while a listener's bundle was replaced: " + new TreeMap<>(retried));
        assertTrue(acked.size() >= MIN_MESSAGES, "thousands of messages: " + acked.size());
    }

    /** True when the bundle runs at that version (lb through the admin channel, which itself may be swapped). */
    private static boolean activeAndReady(Instance athena, String bsn, String version) throws Exception {
        Exec.Result lb = athena.admin("lb -s " + bsn);
        if (lb.exit() != 0 || !Pattern.compile("\\|Active\\s*\\|.*" + Pattern.quote(bsn + " (" + version + ")"))
                .matcher(lb.out()).find()) {
            return false;
        }
        return athena.admin("postrider:ready").exit() == 0;
    }

    private static String symbolicName(Path jar) throws Exception {
        try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(Files.newInputStream(jar))) {
            String v = in.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
            return v.split(";")[0].trim();
        }
    }
}
