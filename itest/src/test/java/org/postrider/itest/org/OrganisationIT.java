package org.postrider.itest.org;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.TestDns;

/**
 * The example organisation of DESIGN.md on loopback: Athena (mailbox server of example.org),
 * Hermes (its Internet gateway), Arlington (the mailbox server of example.net, reached only
 * by SMTP), and a DNS server with the two domains' MX records. Mail from spyros at Athena
 * to mark at Arlington goes Athena → internal → Hermes → MX → Arlington; mark's reply goes
 * Arlington → MX → Hermes → internal → Athena; each is read with the real clients. Patmos
 * (bin/patmos, the client library's command line) submits to Athena over the internal
 * transport; Ephesus, a second mailbox server of example.org, gets its users' mail from
 * Athena directly; Hermes killed -9 in the middle of 500 messages loses none and queues each
 * once (what it may send Arlington twice is SMTP's, see the test).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrganisationIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);
    static TestDns dns;
    static Instance athena;
    static Instance hermes;
    static Instance arlington;
    static Instance ephesus;
    static int athenaInternal;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void org(Instance i, Map<String, Integer> servers, String internetGateway) throws Exception {
        StringBuilder list = new StringBuilder();
        for (Map.Entry<String, Integer> e : servers.entrySet()) {
            list.append(list.isEmpty() ? "" : ",").append("\"").append(e.getKey()).append("=127.0.0.1:")
                    .append(e.getValue()).append("\"");
        }
        Path tmp = i.home().resolve("org.config.tmp");
        Files.writeString(tmp, "servers=[" + list + "]\ninternetGateway=\"" + internetGateway + "\"\n",
                StandardCharsets.UTF_8);
        Files.move(tmp, i.home().resolve("deploy/org.postrider.org.config"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @BeforeAll
    static void organisation() throws Exception {
        int hermesMx = freePort();
        int arlingtonMx = freePort();
        athenaInternal = freePort();
        int hermesInternal = freePort(); // fixed: the registry must still name it after Hermes restarts
        int ephesusInternal = freePort();
        dns = new TestDns();
        dns.mx("example.org", 10, "hermes.example.org").a("hermes.example.org", "127.0.0.1");
        dns.mx("example.net", 10, "arlington.example.net").a("arlington.example.net", "127.0.0.1");
        Map<String, String> resolver = Map.of("servers", "127.0.0.1:" + dns.port(), "timeoutMillis", "2000");
        Map<String, String> quickRetries = Map.of("retrySchedule", "1s,2s");

        arlington = INSTANCES.create("arlington");
        arlington.config("org.postrider.directory.file", Map.of("defaultDomain", "example.net"));
        // hermes is a Postrider server arlington knows: its copies sent again after a crash are recognised
        arlington.config("org.postrider.smtp", Map.of("port", String.valueOf(arlingtonMx), "transferIdClients", "127.0.0.1"));
        arlington.config("org.postrider.smtp.client", Map.of("port", String.valueOf(hermesMx)));
        arlington.config("org.postrider.dns", resolver);
        arlington.config("org.postrider.core.queue", quickRetries);
        arlington.start();
        arlington.admin("dir:user-add", "mark@example.net", "mark-pw").ok();
        arlington.admin("dir:user-add", "nina@example.net", "nina-pw").ok();
        arlington.admin("dir:user-add", "stream@example.net", "stream-pw").ok();

        athena = INSTANCES.create("athena");
        athena.config("org.postrider.internal", Map.of("port", String.valueOf(athenaInternal),
                "reconnectBackoff", "2s"));
        athena.config("org.postrider.core.queue", quickRetries);
        athena.start();
        athena.admin("dir:user-add", "spyros@example.org", "spyros-pw").ok();
        // john's mailbox is on ephesus, the organisation's second mailbox server
        athena.admin("dir:user-add", "john@example.org", "john-pw").ok();
        athena.admin("dir:home-set", "john@example.org", "ephesus").ok();

        hermes = INSTANCES.create("hermes");
        hermes.config("org.postrider.internal", Map.of("port", String.valueOf(hermesInternal),
                "reconnectBackoff", "2s"));
        hermes.config("org.postrider.smtp", Map.of("port", String.valueOf(hermesMx)));
        hermes.config("org.postrider.smtp.client", Map.of("port", String.valueOf(arlingtonMx)));
        hermes.config("org.postrider.dns", resolver);
        hermes.config("org.postrider.core.queue", quickRetries);
        Path secret = athena.home().resolve("data/internal/org.secret");
        Await.until("athena's organisation secret", Duration.ofSeconds(30), () -> Files.exists(secret), b -> b);
        Files.createDirectories(hermes.home().resolve("data/internal"));
        Files.copy(secret, hermes.home().resolve("data/internal/org.secret"), StandardCopyOption.COPY_ATTRIBUTES);
        hermes.start();
        ephesus = INSTANCES.create("ephesus");
        ephesus.config("org.postrider.internal", Map.of("port", String.valueOf(ephesusInternal)));
        Files.createDirectories(ephesus.home().resolve("data/internal"));
        Files.copy(secret, ephesus.home().resolve("data/internal/org.secret"), StandardCopyOption.COPY_ATTRIBUTES);
        ephesus.start();
        ephesus.admin("dir:user-add", "john@example.org", "john-pw").ok();
        // one Directory for the organisation, as LDAP will give: spyros is homed on athena
        hermes.admin("dir:user-add", "spyros@example.org", "spyros-pw").ok();
        hermes.admin("dir:home-set", "spyros@example.org", "athena").ok();

        Map<String, Integer> servers = Map.of("athena", athenaInternal, "hermes", hermesInternal, "ephesus",
                ephesusInternal);
        org(athena, servers, "hermes");
        org(hermes, servers, "");
        org(ephesus, servers, "hermes");
        Await.until("athena knows hermes", Duration.ofSeconds(20), () -> athena.admin("internal:links").out(),
                out -> out.contains("hermes"));
        Await.until("hermes knows athena", Duration.ofSeconds(20), () -> hermes.admin("internal:links").out(),
                out -> out.contains("athena"));
    }

    @AfterAll
    static void closeDns() {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    @Order(1)
    void spyrosWritesToMarkAcrossTheGatewayAndMarksReplyComesBackTheSameWay() throws Exception {
        Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx)
                s.login('spyros@example.org', 'spyros-pw')
                s.sendmail('spyros@example.org', ['mark@example.net'],
                    'From: Spyros <spyros@example.org>\\r\\nTo: mark@example.net\\r\\nSubject: Καλημέρα, Arlington\\r\\n'
                    'Message-ID: <out-1@example.org>\\r\\nMIME-Version: 1.0\\r\\n'
                    'Content-Type: text/plain; charset=utf-8\\r\\n\\r\\nfrom Athena through Hermes\\r\\n'.encode())
                s.quit()
                """, String.valueOf(athena.listenerPort("submission"))).ok();
        Path markInbox = arlington.inbox("mark", "example.net");
        Await.until("mark's message at arlington", Duration.ofSeconds(60), () -> arlington.messages(markInbox).size(),
                n -> n == 1);
        String read = Python.run(arlington.home(), """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login('mark@example.net', 'mark-pw'); m.select('INBOX')
                typ, data = m.fetch('1', '(BODY.PEEK[])')
                print(data[0][1].decode('utf-8'))
                m.logout()
                """, String.valueOf(arlington.listenerPort("imaps"))).ok().out();
        assertTrue(read.contains("Message-ID: <out-1@example.org>") && read.contains("from Athena through Hermes")
                && read.contains("Καλημέρα, Arlington"), read);
        assertTrue(read.matches("(?s).*Received: from [^\\r\\n]*\\s+by arlington.*Received: from athena[^\\r\\n]*\\s+by hermes.*"),
                "the trace shows athena → hermes → arlington:\n" + read);

        String athenaTrack = athena.admin("queue:track", "out-1@example.org").ok().out();
        assertTrue(athenaTrack.matches("(?s).*ACCEPTED +proto=ESMTPSA.*RELAYED +to=<mark@example.net> via=internal dest=hermes.*"),
                athenaTrack);
        // queue:track on Athena follows the message to Hermes over the internal transport (TRACK)
        assertTrue(athenaTrack.matches("(?s).*\\shermes +\\S+ +ACCEPTED +proto=internal from=athena.*"), athenaTrack);
        assertTrue(athenaTrack.matches("(?s).*\\shermes +\\S+ +RELAYED +to=<mark@example.net> via=smtp dest=example.net.*"),
                "Hermes' hop to Arlington, as Hermes recorded it, shown at Athena:\n" + athenaTrack);
        assertFalse(athenaTrack.contains("not asked"), athenaTrack);
        String hermesTrack = hermes.admin("queue:track", "out-1@example.org").ok().out();
        assertTrue(hermesTrack.matches("(?s).*ACCEPTED +proto=internal from=athena.*RELAYED +to=<mark@example.net> via=smtp dest=example.net.*"),
                hermesTrack);

        Python.run(arlington.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx)
                s.login('mark@example.net', 'mark-pw')
                s.sendmail('mark@example.net', ['spyros@example.org'],
                    b'From: mark@example.net\\r\\nTo: spyros@example.org\\r\\nSubject: Re: hello\\r\\n'
                    b'Message-ID: <reply-1@example.net>\\r\\nIn-Reply-To: <out-1@example.org>\\r\\n\\r\\nback to Athena\\r\\n')
                s.quit()
                """, String.valueOf(arlington.listenerPort("submission"))).ok();
        Path spyrosInbox = athena.inbox("spyros", "example.org");
        Await.until("the reply at athena", Duration.ofSeconds(60), () -> athena.messages(spyrosInbox).size(),
                n -> n == 1);
        String overImap = Python.run(athena.home(), """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login('spyros@example.org', 'spyros-pw'); m.select('INBOX', readonly=True)
                typ, data = m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO)] BODY.PEEK[TEXT])')
                print(data[0][1].decode(), data[1][1].decode())
                m.logout()
                """, String.valueOf(athena.listenerPort("imaps"))).ok().out();
        assertTrue(overImap.contains("<reply-1@example.net>") && overImap.contains("In-Reply-To: <out-1@example.org>")
                && overImap.contains("back to Athena"), overImap);
        String overPop3 = Python.run(athena.home(), """
                import poplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
                p.user('spyros@example.org'); p.pass_('spyros-pw')
                print(b'\\n'.join(p.retr(1)[1]).decode())
                p.quit()
                """, String.valueOf(athena.listenerPort("pop3s"))).ok().out();
        assertTrue(overPop3.contains("back to Athena"), overPop3);
        assertTrue(overPop3.matches("(?s).*Received: from hermes[^\\r\\n]*\\s+by athena.*"),
                "the last hop into athena is the internal link from hermes:\n" + overPop3);
    }

    /** SHA-256 of Athena's certificate, as the organisation registry would pin it. */
    private static String athenaPin() throws Exception {
        Path p12 = athena.home().resolve("data/tls/selfsigned.p12");
        Await.until("athena's certificate", Duration.ofSeconds(30), () -> Files.exists(p12), b -> b);
        java.security.KeyStore ks = java.security.KeyStore.getInstance(p12.toFile(), "postrider".toCharArray());
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(ks.getCertificate("postrider").getEncoded()));
    }

    /** bin/patmos of Athena's installation, as spyros, with the password in a file. */
    private static Exec.Result patmos(List<String> args) throws Exception {
        Path pw = athena.home().resolve("spyros.pw");
        Files.writeString(pw, "spyros-pw\n");
        List<String> cmd = new ArrayList<>(List.of("bash", athena.home().resolve("bin/patmos").toString(),
                "--server", "127.0.0.1:" + athenaInternal, "--pin", athenaPin(), "--user", "spyros@example.org",
                "--password-file", pw.toString()));
        cmd.addAll(args);
        return Exec.run(cmd, athena.home(), Map.of(), Duration.ofSeconds(120));
    }

    /** How many message files of a Maildir hold this text. */
    private static long holding(Instance at, Path maildir, String text) throws Exception {
        long n = 0;
        for (Path p : at.messages(maildir)) {
            try {
                n += Files.readString(p).contains(text) ? 1 : 0;
            } catch (java.nio.file.NoSuchFileException e) {
                // moved from new/ to cur/ meanwhile: counted at the next look
            }
        }
        return n;
    }

    /** Every message of a user over IMAP (imaplib), each printed whole after a marker line. */
    private static String imapAll(Instance at, String user, String password) throws Exception {
        return Python.run(at.home(), """
                import imaplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                m = imaplib.IMAP4_SSL('127.0.0.1', int(sys.argv[1]), ssl_context=ctx)
                m.login(sys.argv[2], sys.argv[3]); m.select('INBOX', readonly=True)
                typ, data = m.search(None, 'ALL')
                for n in data[0].split():
                    typ, msg = m.fetch(n, '(BODY.PEEK[])')
                    print('=====MESSAGE')
                    print(msg[0][1].decode('utf-8'))
                m.logout()
                """, String.valueOf(at.listenerPort("imaps")), user, password).ok().out();
    }

    @Test
    @Order(2)
    void patmosSubmitsATypedMessageAtAthenaThatMarkReadsOverImapAtArlington() throws Exception {
        Path plan = athena.home().resolve("plan.txt");
        Files.writeString(plan, "day 1: Patmos\nday 2: Arlington\n");
        patmos(List.of("--to", "mark@example.net", "--bcc", "nina@example.net", "--subject", "Σχέδιο ταξιδιού",
                "--from-name", "Spyros", "--body", "Written in Patmos, read in Arlington.", "--attach",
                plan + ";type=text/plain;name=plan.txt", "--importance", "high", "--sensitivity", "private")).ok();

        Path markInbox = arlington.inbox("mark", "example.net");
        Await.until("patmos' message at arlington", Duration.ofSeconds(60), () -> holding(arlington, markInbox,
                "Written in Patmos"), n -> n == 1);
        String all = imapAll(arlington, "mark@example.net", "mark-pw");
        String read = null;
        for (String m : all.split("=====MESSAGE")) {
            if (m.contains("Written in Patmos")) {
                read = m;
            }
        }
        assertTrue(read.contains("From: \"Spyros\" <spyros@example.org>") || read.contains("From: Spyros <spyros@example.org>"),
                read);
        assertTrue(read.contains("To: <mark@example.net>") || read.contains("To: mark@example.net"), read);
        assertTrue(read.contains("Subject: =?UTF-8?B?") || read.contains("Subject: =?utf-8?B?"), read);
        assertTrue(read.contains("Importance: high") && read.contains("Sensitivity: Private")
                && read.contains("Message-ID: <") && read.contains("filename=\"plan.txt\"")
                && read.contains("ZGF5IDE6IFBhdG1vcwpkYXkgMjogQXJsaW5ndG9uCg=="), read);
        assertFalse(read.contains("nina"), "the Bcc is not in the header:\n" + read);
        assertTrue(read.matches("(?s).*Received: from [^\\r\\n]*\\s+by arlington.*Received: from athena[^\\r\\n]*\\s+by hermes"
                + ".*Received: from patmos[^\\r\\n]*\\s+by athena.*"), "patmos → athena → hermes → arlington:\n" + read);
        String subject = Python.run(arlington.home(), """
                import email, email.header, sys
                msg = email.message_from_string(open(sys.argv[1], encoding='utf-8').read())
                print(str(email.header.make_header(email.header.decode_header(msg['Subject']))))
                """, arlington.messages(markInbox).stream().filter(p -> {
                    try {
                        return Files.readString(p).contains("Written in Patmos");
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }).findFirst().orElseThrow().toString()).ok().out();
        assertEquals("Σχέδιο ταξιδιού", subject.strip());
        Await.until("nina's blind copy", Duration.ofSeconds(60), () -> holding(arlington,
                arlington.inbox("nina", "example.net"), "Written in Patmos"), n -> n == 1);
        assertTrue(imapAll(arlington, "nina@example.net", "nina-pw").contains("Written in Patmos"));
    }

    @Test
    @Order(3)
    void aUserOnTheSecondMailboxServerGetsInternalMailWithoutHermes() throws Exception {
        Path in = athena.home().resolve("to-john.eml");
        Files.writeString(in, "From: spyros@example.org\r\nTo: john@example.org\r\nSubject: next door\r\n"
                + "Message-ID: <to-john-1@example.org>\r\n\r\nfrom athena to ephesus, not through hermes\r\n");
        patmos(List.of("--to", "john@example.org", "--message", in.toString())).ok();
        Path johnInbox = ephesus.inbox("john", "example.org");
        Await.until("john's message at ephesus", Duration.ofSeconds(60), () -> ephesus.messages(johnInbox).size(),
                n -> n == 1);
        String got = Files.readString(ephesus.messages(johnInbox).get(0));
        assertTrue(got.contains("not through hermes"), got);
        assertTrue(got.substring(got.indexOf("Received:")).matches("(?s)Received: from athena[^\\r\\n]*\\s+by ephesus.*"),
                "the last hop is athena's link to ephesus:\n" + got);
        assertFalse(got.matches("(?s).*by hermes.*"), "no hop through hermes:\n" + got);
        String track = hermes.admin("queue:track", "to-john-1@example.org").out();
        assertFalse(track.contains("ACCEPTED"), "hermes never had it:\n" + track);
        String athenaTrack = athena.admin("queue:track", "to-john-1@example.org").ok().out();
        assertTrue(athenaTrack.matches("(?s).*RELAYED +to=<john@example.org> via=internal dest=ephesus.*"), athenaTrack);
    }

    @Test
    @Order(4)
    void fiveHundredMessagesForArlingtonAllArriveExactlyOnceThoughHermesIsKilledInTheMiddle() throws Exception {
        int n = 500;
        Path dir = Files.createDirectories(athena.home().resolve("stream"));
        List<String> args = new ArrayList<>(List.of("--to", "stream@example.net"));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = "stream-" + i + "@example.org";
            ids.add("<" + id + ">");
            Path f = dir.resolve(i + ".eml");
            Files.writeString(f, "From: spyros@example.org\r\nTo: stream@example.net\r\nSubject: " + i
                    + "\r\nMessage-ID: <" + id + ">\r\n\r\n" + "message " + i + " of the stream\r\n".repeat(20));
            args.add("--message");
            args.add(f.toString());
        }
        java.util.concurrent.CompletableFuture<Exec.Result> sent = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return patmos(args);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Path inbox = arlington.inbox("stream", "example.net");
        Await.until("the stream under way at arlington", Duration.ofSeconds(120),
                () -> arlington.messages(inbox).size(), c -> c >= 20);
        hermes.kill9();
        int atKill = arlington.messages(inbox).size();
        assertTrue(atKill < n, "hermes was killed in the middle of the stream, not after it (" + atKill + ")");
        String said = sent.get(120, java.util.concurrent.TimeUnit.SECONDS).ok().out();
        assertEquals(n, said.lines().filter(l -> l.startsWith("accepted ")).count(), said);
        hermes.start();
        athena.awaitQueueEmpty(Duration.ofSeconds(240));
        hermes.awaitQueueEmpty(Duration.ofSeconds(240));
        arlington.awaitQueueEmpty(Duration.ofSeconds(60));
        // Athena → Hermes is exactly once (the internal transport's transfer ids): Hermes queued
        // each Message-ID under one queue id. Hermes → Arlington is SMTP: a copy Arlington
        // acknowledged just before the kill, and Hermes had not yet recorded, goes again (RFC
        // 1047), with the same XTRANSFERID, and Arlington answers it with the first copy's id.
        Map<String, Set<String>> hermesIds = new java.util.HashMap<>();
        List<String> seen = new ArrayList<>();
        Pattern messageId = Pattern.compile("(?mi)^Message-ID: (<[^>]+>)");
        Pattern byHermes = Pattern.compile("by hermes \\(Postrider\\) with internal id (\\w+)");
        for (Path p : arlington.messages(inbox)) {
            String text = Files.readString(p);
            Matcher m = messageId.matcher(text);
            Matcher h = byHermes.matcher(text);
            assertTrue(m.find() && h.find(), p.toString());
            seen.add(m.group(1));
            hermesIds.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(h.group(1));
        }
        assertEquals(ids, new HashSet<>(seen), "every one of the stream's Message-IDs arrived");
        assertTrue(hermesIds.values().stream().allMatch(x -> x.size() == 1),
                "hermes queued each message once (the internal hop): " + hermesIds);
        assertEquals(n, seen.size(), "each of the stream's messages arrived at arlington exactly once");
    }
}

