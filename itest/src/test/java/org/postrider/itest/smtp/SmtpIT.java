package org.postrider.itest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Required;
import org.postrider.itest.harness.Python;

/** SMTP through the distribution with real clients (smtplib, swaks, Jakarta Mail) and the attacks of SECURITY.md. */
class SmtpIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int mx;
    static int submission;
    static int submissions;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.smtp", Map.of("authFailureDelay", "100ms", "maxRecipients", "5",
                "maxMessageSize", "100000", "maxPerUser", "2", "maxDataLine", "5000",
                "transferIdClients", "127.0.0.1, 127.0.0.2"));
        athena.start();
        mx = athena.listenerPort("smtp");
        submission = athena.listenerPort("submission");
        submissions = athena.listenerPort("submissions");
        for (String u : List.of("alice", "bob", "carol", "dave")) {
            athena.admin("dir:user-add", u + "@example.org", u + "-pw").ok();
        }
    }

    private static List<Path> inbox(String local) throws Exception {
        return athena.messages(athena.inbox(local, "example.org"));
    }

    private static String lastMessage(String local) throws Exception {
        List<Path> files = inbox(local);
        return Files.readString(files.get(files.size() - 1), StandardCharsets.UTF_8);
    }

    static final String BODY = "From: alice@example.org\r\nTo: bob@example.org\r\nSubject: hi\r\n"
            + "Message-ID: <%s@example.org>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\n"
            + ".a line with a dot\r\nschöne Grüße\r\n";

    @Test
    void smtplibSubmitsThrough587AfterStartTlsAndThrough465() throws Exception {
        int before = inbox("bob").size();
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                body = sys.argv[3].encode('utf-8')
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.ehlo()
                print('auth before tls', s.has_extn('auth'))
                s.starttls(context=ctx); s.ehlo(); s.login('alice@example.org', 'alice-pw')
                print('sent587', s.sendmail('alice@example.org', ['bob@example.org'], body.replace(b'X1', b'p587')))
                s.quit()
                t = smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[2]), context=ctx); t.login('alice@example.org', 'alice-pw')
                print('sent465', t.sendmail('alice@example.org', ['bob@example.org'], body.replace(b'X1', b'p465')))
                t.quit()
                """, String.valueOf(submission), String.valueOf(submissions), BODY.formatted("X1")).ok().out();
        assertTrue(out.contains("auth before tls False"), out);
        assertTrue(out.contains("sent587 {}") && out.contains("sent465 {}"), out);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertEquals(before + 2, inbox("bob").size());
        for (String id : List.of("p587", "p465")) {
            String stored = inbox("bob").stream().map(p -> {
                try {
                    return Files.readString(p, StandardCharsets.UTF_8);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).filter(m -> m.contains("<" + id + "@example.org>")).findFirst().orElseThrow();
            String original = BODY.formatted(id);
            assertTrue(stored.endsWith(original), "byte-identical after the trace fields:\n" + stored);
            assertTrue(stored.contains("with ESMTPSA id") && stored.contains("(authenticated as alice@example.org)"),
                    stored);
        }
    }

    @Test
    void smtpCommandsShowSessionsAndListeners() throws Exception {
        try (Raw r = new Raw(mx)) {
            r.command("EHLO watcher.example");
            String sessions = athena.admin("smtp:sessions").ok().out();
            assertTrue(sessions.contains("smtp ") && sessions.contains("127.0.0.1:" + r.socket.getLocalPort()),
                    sessions);
        }
        String listeners = athena.admin("smtp:listeners").ok().out();
        for (String name : List.of("smtp", "submission", "submissions")) {
            assertTrue(listeners.contains(name + " "), listeners);
        }
        assertTrue(listeners.contains("tls=implicit"), listeners);
        assertTrue(athena.admin("smtp:stats").ok().out().matches("(?s).*in\\.accepted: +[1-9].*"));
        assertTrue(athena.admin("smtp:commands").ok().out().contains("smtp:sessions"));
    }

    @Test
    void swaksSubmitsWithStartTlsAndAuth() throws Exception {
        Required.tool("/usr/bin/swaks", "the swaks SMTP client");
        Exec.Result r = Exec.run(List.of("swaks", "--server", "127.0.0.1", "--port", String.valueOf(submission),
                "--tls", "--auth", "PLAIN", "--auth-user", "carol@example.org", "--auth-password", "carol-pw",
                "--from", "carol@example.org", "--to", "alice@example.org", "--header", "Subject: via swaks",
                "--body", "swaks body"), athena.home(), Map.of(), Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("250 2.0.0 ok: queued as"), r.out());
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String m = lastMessage("alice");
        assertTrue(m.contains("Subject: via swaks") && m.contains("swaks body"), m);
    }

    private static Exec.Result gsasl(String mechanism, String... identity) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("gsasl", "--smtp", "--connect", "127.0.0.1:" + submission,
                "-m", mechanism, "--x509-ca-file", "", "--no-cb"));
        cmd.addAll(List.of(identity));
        // --no-cb: gsasl 2.2 fails on its own side when it finds TLS 1.3 channel binding data
        // and the server offers no -PLUS mechanism; with it, it answers "y" as RFC 5802 asks.
        return Exec.run(cmd, athena.home(), Map.of(), Duration.ofSeconds(60));
    }

    @Test
    void gsaslAuthenticatesWithScramSha256AndForeignAuthzidsAreRefused() throws Exception {
        Required.tool("/usr/bin/gsasl", "GNU SASL as a SCRAM client");
        Exec.Result ok = gsasl("SCRAM-SHA-256", "-a", "bob@example.org", "-p", "bob-pw");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(ok.out().contains("AUTH SCRAM-SHA-256 PLAIN LOGIN") && ok.out().contains("235 2.7.0"), ok.out());
        Exec.Result wrong = gsasl("SCRAM-SHA-256", "-a", "bob@example.org", "-p", "not-bobs");
        assertTrue(wrong.out().contains("535 5.7.8"), wrong.out() + wrong.err());
        Exec.Result stranger = gsasl("SCRAM-SHA-256", "-a", "nobody@example.org", "-p", "x");
        assertTrue(stranger.out().contains("535 5.7.8"), stranger.out() + stranger.err());
        // Acting as another user (RFC 4954: 535), with a right password, by PLAIN and by SCRAM.
        for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256")) {
            Exec.Result actAs = gsasl(mechanism, "-a", "bob@example.org", "-z", "alice@example.org", "-p", "bob-pw");
            assertTrue(actAs.out().contains("535 5.7.8") && !actAs.out().contains("235 "),
                    mechanism + ": " + actAs.out() + actAs.err());
        }
    }

    @Test
    void oneUserCannotHoldMoreSessionsThanAllowedOverAllPorts() throws Exception {
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                def on587():
                    s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); return s
                a = on587(); print('first', a.login('dave@example.org', 'dave-pw')[0])
                b = smtplib.SMTP_SSL('127.0.0.1', int(sys.argv[2]), context=ctx)
                print('second', b.login('dave@example.org', 'dave-pw')[0])
                c = on587()
                try:
                    c.login('dave@example.org', 'dave-pw'); print('third: logged in')
                except smtplib.SMTPAuthenticationError as e:
                    print('third', e.smtp_code, e.smtp_error.decode())
                print('other user', on587().login('alice@example.org', 'alice-pw')[0])
                a.quit()
                import time
                for _ in range(50):
                    try:
                        print('after one left', c.login('dave@example.org', 'dave-pw')[0]); break
                    except smtplib.SMTPAuthenticationError:
                        time.sleep(0.1)
                """, String.valueOf(submission), String.valueOf(submissions)).ok().out();
        assertTrue(out.contains("first 235") && out.contains("second 235"), out);
        assertTrue(out.contains("third 454 4.7.0 too many sessions open for dave@example.org"), out);
        assertTrue(out.contains("other user 235"), out);
        assertTrue(out.contains("after one left 235"), out);
    }

    @Test
    void aSenderWhoAsksIsToldOfDeliveryAndOnlyThen() throws Exception {
        int before = inbox("alice").size();
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                body = b'From: alice@example.org\\r\\nSubject: tell me\\r\\nMessage-ID: <notify-me@example.org>\\r\\n\\r\\nsecret body\\r\\n'
                print('asked', s.sendmail('alice@example.org', ['bob@example.org'], body, mail_options=['ENVID=env+2B1'],
                    rcpt_options=['NOTIFY=SUCCESS,FAILURE', 'ORCPT=rfc822;bob@example.org']))
                print('not asked', s.sendmail('alice@example.org', ['carol@example.org'], body.replace(b'notify-me', b'quiet')))
                s.quit()
                """, String.valueOf(submission)).ok().out();
        assertTrue(out.contains("asked {}") && out.contains("not asked {}"), out);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        List<Path> now = inbox("alice");
        assertEquals(before + 1, now.size(), "one report, for the recipient that asked");
        String report = Files.readString(now.get(now.size() - 1), StandardCharsets.UTF_8);
        assertTrue(report.contains("Subject: Successful Mail Delivery Report"), report);
        assertTrue(report.contains("Original-Envelope-Id: env+1\r\n")
                && report.contains("Original-Recipient: rfc822;bob@example.org\r\n")
                && report.contains("Final-Recipient: rfc822; bob@example.org\r\nAction: delivered\r\nStatus: 2.0.0"),
                report);
        assertTrue(report.contains("Content-Type: text/rfc822-headers") && report.contains("Subject: tell me")
                && !report.contains("secret body"), "the header only comes back:\n" + report);
    }

    @Test
    void aCopySentAgainWithTheSameTransferIdIsQueuedOnceAndOnlyForTheSameListedClientAndRecipients() throws Exception {
        int bob = inbox("bob").size();
        int carol = inbox("carol").size();
        String out = Python.run(athena.home(), """
                import smtplib, sys
                body = b'From: peer@example.net\\r\\nSubject: again\\r\\nMessage-ID: <again@example.net>\\r\\n\\r\\nonce\\r\\n'
                def send(src, rcpts, tid):
                    s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), source_address=(src, 0)); s.ehlo()
                    offered = s.has_extn('xtransferid')
                    s.mail('peer@example.net', ['XTRANSFERID=' + tid])
                    for r in rcpts:
                        s.rcpt(r)
                    code, resp = s.data(body); s.quit()
                    return offered, code, resp.decode().split('queued as ')[-1]
                print('first', *send('127.0.0.1', ['bob@example.org'], 'Q1.ab+2Bcd'))
                print('again', *send('127.0.0.1', ['bob@example.org'], 'Q1.ab+2Bcd'))
                print('more recipients', *send('127.0.0.1', ['bob@example.org', 'carol@example.org'], 'Q1.ab+2Bcd'))
                print('other client', *send('127.0.0.2', ['bob@example.org'], 'Q1.ab+2Bcd'))
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), source_address=('127.0.0.3', 0)); s.ehlo()
                print('unlisted', s.has_extn('xtransferid'), *s.mail('peer@example.net', ['XTRANSFERID=Q1.abcd']))
                s.quit()
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.ehlo()
                print('space', *s.mail('peer@example.net', ['XTRANSFERID=a+20b']))
                s.rset(); print('too long', *s.mail('peer@example.net', ['XTRANSFERID=' + 'x' * 101]))
                s.quit()
                """, String.valueOf(mx)).ok().out();
        Map<String, String[]> said = new java.util.HashMap<>();
        out.lines().forEach(l -> said.put(l.split(" (?=True|False|[0-9])")[0], l.split(" ")));
        String first = last(said.get("first"));
        assertTrue(out.contains("first True 250"), out);
        assertEquals(first, last(said.get("again")), "the copy sent again is answered with the first one's id:\n" + out);
        Await.until("the mail log's line", Duration.ofSeconds(10), () -> athena.logs()
                .matches("(?s).*retransmission proto=\\S+ client=127\\.0\\.0\\.1 is id=" + first + ": not queued again.*"), ok -> ok);
        assertTrue(out.contains("more recipients True 250") && !first.equals(last(said.get("more recipients"))),
                "another set of recipients is another copy:\n" + out);
        assertTrue(out.contains("other client True 250") && !first.equals(last(said.get("other client"))),
                "another client's id is its own:\n" + out);
        assertTrue(out.contains("space 501 b'5.5.4 bad XTRANSFERID'") && out.contains("too long 501"), out);
        assertTrue(out.contains("unlisted False 555"), "a client not listed may not claim ids:\n" + out);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertEquals(bob + 3, inbox("bob").size(), "bob: the first copy, the one with carol, the other client's");
        assertEquals(carol + 1, inbox("carol").size());
    }

    private static String last(String[] words) {
        return words[words.length - 1];
    }

    @Test
    void jakartaMailSendsThroughSubmission() throws Exception {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", String.valueOf(submission));
        p.put("mail.smtp.auth", "true");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        Session session = Session.getInstance(p);
        MimeMessage msg = new MimeMessage(session);
        msg.setFrom(new InternetAddress("bob@example.org"));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("carol@example.org"));
        msg.setSubject("from Jakarta Mail");
        msg.setText("Hallo from Angus, ünïcödé", "utf-8");
        Transport.send(msg, "bob@example.org", "bob-pw");
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String m = lastMessage("carol");
        assertTrue(m.contains("Subject: from Jakarta Mail") && m.contains("Message-ID: <"), m);
    }

    /** A raw client for the attacks no library would send. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Raw(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            assertTrue(in.readLine().startsWith("220 "));
        }

        void send(String raw) throws Exception {
            out.write(raw.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** The reply to one command, multi-line replies joined. */
        String reply() throws Exception {
            StringBuilder sb = new StringBuilder();
            String l;
            do {
                l = in.readLine();
                if (l == null) {
                    return sb.isEmpty() ? null : sb.toString();
                }
                sb.append(l).append('\n');
            } while (l.length() > 3 && l.charAt(3) == '-');
            return sb.toString().trim();
        }

        String command(String c) throws Exception {
            send(c + "\r\n");
            return reply();
        }

        /** A command given as bytes, for what is not valid UTF-8. */
        String command(byte[] c) throws Exception {
            out.write(c);
            out.write(new byte[] {'\r', '\n'});
            out.flush();
            return reply();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void inboundAcceptsLocalUsersAndRefusesUnknownUsersAndRelaying() throws Exception {
        try (Raw r = new Raw(mx)) {
            assertTrue(r.command("EHLO mx.example.net").contains("250 "));
            assertFalse(r.command("EHLO mx.example.net").contains("AUTH"), "no AUTH offered before TLS");
            assertTrue(r.command("MAIL FROM:<someone@example.net>").startsWith("250"));
            assertTrue(r.command("RCPT TO:<nobody@example.org>").startsWith("550 5.1.1"));
            assertTrue(r.command("RCPT TO:<victim@elsewhere.example>").startsWith("554 5.7.1"));
            assertTrue(r.command("RCPT TO:<victim%elsewhere.example@example.org>").startsWith("501"));
            assertTrue(r.command("RCPT TO:<@example.org:victim@elsewhere.example>").startsWith("501 5.1.7"));
            assertTrue(r.command("RCPT TO:<bob@example.org>").startsWith("250 2.1.5"));
            assertTrue(r.command("VRFY bob").startsWith("252"));
            assertTrue(r.command("EXPN staff").startsWith("502"));
            assertTrue(r.command("DATA").startsWith("354"));
            assertTrue(r.command(BODY.formatted("inbound") + ".").startsWith("250 2.0.0 ok: queued as"));
            assertTrue(r.command("QUIT").startsWith("221"));
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String m = lastMessage("bob");
        assertTrue(m.contains("<inbound@example.org>") && m.contains("from mx.example.net ([127.0.0.1])"), m);
        assertFalse(m.substring(0, m.indexOf("\r\n\r\n")).contains("Message-ID: <") && m.indexOf("Message-ID") != m
                .lastIndexOf("Message-ID"), "no Message-ID added on the MX port");
    }

    @Test
    void smugglingAttemptsDropTheSessionAndTheMessage() throws Exception {
        int before = inbox("bob").size();
        for (String end : new String[] {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r\n.\r"}) {
            try (Raw r = new Raw(mx)) {
                r.command("EHLO attacker.example");
                r.command("MAIL FROM:<a@example.net>");
                r.command("RCPT TO:<bob@example.org>");
                assertTrue(r.command("DATA").startsWith("354"));
                r.send("Subject: first\r\n\r\nbody" + end + "MAIL FROM:<spoof@example.org>\r\nRCPT TO:<bob@example.org>\r\n"
                        + "DATA\r\nSubject: smuggled\r\n\r\nevil\r\n.\r\n");
                String reply = r.reply();
                assertTrue(reply != null && reply.startsWith("521 5.5.2"), "end " + escape(end) + ": " + reply);
                assertNull(r.reply(), "the session must be closed");
            }
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(10));
        assertEquals(before, inbox("bob").size(), "neither the message nor a smuggled one may be accepted");
    }

    @Test
    void bdatChunksWithABareCrOrLfAreRefusedAndNothingIsQueued() throws Exception {
        int before = inbox("bob").size();
        int carolBefore = inbox("carol").size();
        String smuggled = "MAIL FROM:<spoof@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
                + "Subject: smuggled\r\n\r\nevil\r\n.\r\n";
        // Each case: the chunks of one message; a CR may end one chunk only if an LF starts the next.
        List<List<String>> cases = List.of(
                List.of("Subject: lf\r\n\r\nbody\n.\n" + smuggled),
                List.of("Subject: cr\r\n\r\nbody\r.\r" + smuggled),
                List.of("Subject: mixed\r\n\r\nbody\r\n.\n" + smuggled),
                List.of("Subject: split\r\n\r\nbody\r", ".\r\n" + smuggled),
                List.of("Subject: last\r\n\r\nbody\r\n", "tail\r"));
        for (List<String> chunks : cases) {
            try (Raw r = new Raw(mx)) {
                assertTrue(r.command("EHLO attacker.example").contains("CHUNKING"));
                r.command("MAIL FROM:<a@example.net>");
                assertTrue(r.command("RCPT TO:<bob@example.org>").startsWith("250"));
                String reply = null;
                for (int i = 0; i < chunks.size(); i++) {
                    byte[] c = chunks.get(i).getBytes(StandardCharsets.UTF_8);
                    r.send("BDAT " + c.length + (i == chunks.size() - 1 ? " LAST" : "") + "\r\n" + chunks.get(i));
                    reply = r.reply();
                    if (!reply.startsWith("250")) {
                        break;
                    }
                }
                assertTrue(reply.startsWith("521 5.5.2"), escape(chunks.toString()) + ": " + reply);
                assertNull(r.reply(), "the session must be closed");
            }
        }
        // A CRLF cut between two chunks is a line end like any other.
        try (Raw r = new Raw(mx)) {
            r.command("EHLO honest.example");
            r.command("MAIL FROM:<a@example.net>");
            r.command("RCPT TO:<bob@example.org>");
            String first = "Subject: chunks\r\nMessage-ID: <bdat-ok@example.org>\r\n\r\nline 1\r";
            String second = "\nline 2\r\n";
            r.send("BDAT " + first.length() + "\r\n" + first);
            assertTrue(r.reply().startsWith("250"));
            String late = r.command("RCPT TO:<carol@example.org>");
            assertTrue(late.startsWith("503 5.5.1"), "a recipient after the first chunk would get nothing: " + late);
            r.send("BDAT " + second.length() + " LAST\r\n" + second);
            assertTrue(r.reply().startsWith("250 2.0.0"));
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(10));
        List<Path> now = inbox("bob");
        assertEquals(before + 1, now.size(), "only the honest message is accepted");
        assertEquals(carolBefore, inbox("carol").size(), "the recipient refused after the first chunk");
        for (Path p : now) {
            String m = Files.readString(p, StandardCharsets.ISO_8859_1);
            assertFalse(m.contains("smuggled"), m);
            String noCrlf = m.replace("\r\n", "");
            assertTrue(noCrlf.indexOf('\r') < 0 && noCrlf.indexOf('\n') < 0, "no bare CR or LF stored: " + escape(m));
        }
    }

    @Test
    void messageTextPipelinedBeforeThe354IsRefused() throws Exception {
        int before = inbox("bob").size();
        try (Raw r = new Raw(mx)) {
            r.command("EHLO fast.example");
            r.send("MAIL FROM:<a@example.net>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nSubject: eager\r\n\r\nx\r\n.\r\n");
            assertTrue(r.reply().startsWith("250"));
            assertTrue(r.reply().startsWith("250"));
            assertTrue(r.reply().startsWith("554 5.5.0"), "DATA with the message already behind it");
            assertNull(r.reply());
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(10));
        assertEquals(before, inbox("bob").size());
    }

    @Test
    void aClientThatTalksBeforeTheGreetingIsRefusedWhenPregreetIsOn() throws Exception {
        Instance strict = INSTANCES.create("strict");
        strict.config("org.postrider.smtp", Map.of("pregreetWait", "500ms"));
        strict.start();
        int port = strict.listenerPort("smtp");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("EHLO spammer.example\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertTrue(in.readLine().startsWith("554 5.5.1"));
            assertNull(in.readLine());
        }
        try (Raw polite = new Raw(port)) {
            assertTrue(polite.command("EHLO polite.example").startsWith("250"), "a client that waits is served");
        }
        strict.stop();
    }

    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    @Test
    void startTlsInjectionAndLimitsGetSafeRepliesThenANormalSessionWorks() throws Exception {
        try (Raw r = new Raw(mx)) {
            r.command("EHLO client.example");
            r.send("STARTTLS\r\nMAIL FROM:<injected@example.net>\r\n");
            assertTrue(r.reply().startsWith("554 5.5.1"), "plaintext pipelined after STARTTLS");
            assertNull(r.reply());
        }
        try (Raw r = new Raw(submission)) {
            r.command("EHLO client.example");
            assertTrue(r.command("AUTH PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGFsaWNlLXB3").startsWith("538 5.7.11"));
            assertTrue(r.command("MAIL FROM:<alice@example.org>").startsWith("530 5.7.0"));
        }
        try (Raw r = new Raw(mx)) {
            assertTrue(r.command("MAIL FROM:<a@example.net>").startsWith("503"), "EHLO first");
            r.command("EHLO client.example");
            assertTrue(r.command("x".repeat(5000)).startsWith("500 5.5.2 line too long"));
            assertTrue(r.command("MAIL FROM:<a@example.net> SIZE=999999999").startsWith("552 5.3.4"));
            assertTrue(r.command("MAIL FROM:<a@example.net>").startsWith("250"));
            for (int i = 0; i < 5; i++) {
                assertTrue(r.command("RCPT TO:<bob@example.org>").startsWith("250"));
            }
            assertTrue(r.command("RCPT TO:<bob@example.org>").startsWith("452 4.5.3"));
            r.command("DATA");
            r.send("Subject: big\r\n\r\n" + ("y".repeat(998) + "\r\n").repeat(120) + ".\r\n");
            assertTrue(r.reply().startsWith("552 5.3.4"), "120 kB over a 100 kB limit");
            assertTrue(r.command("NOOP").startsWith("250"), "the session goes on after a refused message");
            r.command("MAIL FROM:<a@example.net>");
            r.command("RCPT TO:<bob@example.org>");
            r.command("DATA");
            r.send("Subject: long line\r\n\r\n" + "z".repeat(6000) + "\r\n.\r\n");
            assertTrue(r.reply().startsWith("500 5.5.2 message has a line longer than 5000 octets"), "maxDataLine");
            assertTrue(r.command("RCPT TO:<bob@example.org>").startsWith("503"), "the transaction was reset");
            r.send("NOOP\nQUIT\r\n");
            assertTrue(r.reply().startsWith("521"), "bare LF in a command");
            assertNull(r.reply());
        }
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                def session():
                    s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.ehlo(); return s
                for user in ['nobody@example.org', 'alice@example.org']:
                    s = session()
                    try:
                        s.login(user, 'wrong')  # smtplib tries PLAIN, then LOGIN: two failures
                    except smtplib.SMTPAuthenticationError as e:
                        print(user, e.smtp_code, e.smtp_error.decode())
                s = session()
                for i in range(3):
                    try:
                        s.docmd('AUTH', 'PLAIN AGFsaWNlQGV4YW1wbGUub3JnAGJhZA==')
                    except smtplib.SMTPServerDisconnected:
                        break
                try:
                    code = s.noop()[0]  # the 421 sent with the third failure, if not read yet
                    print('after 3 failures: closed' if code == 421 else 'after 3 failures: still open %d' % code)
                except smtplib.SMTPServerDisconnected:
                    print('after 3 failures: closed')
                s = session(); s.login('alice@example.org', 'alice-pw')
                print('normal', s.sendmail('alice@example.org', ['bob@example.org'], b'Subject: after\\r\\n\\r\\nok\\r\\n'))
                s.quit()
                """, String.valueOf(submission)).ok().out();
        assertTrue(out.contains("nobody@example.org 535 5.7.8 authentication credentials invalid")
                && out.contains("alice@example.org 535 5.7.8 authentication credentials invalid"),
                "one reply whether or not the user exists: " + out);
        assertTrue(out.contains("after 3 failures: closed"), out);
        assertTrue(out.contains("normal {}"), out);
    }

    @Test
    void controlCharactersAndMalformedUtf8InCommandsAreRefusedAndReachNoHeader() throws Exception {
        int before = inbox("carol").size();
        try (Raw r = new Raw(mx)) {
            assertTrue(r.command("EHLO evil\0name.example").startsWith("500 5.5.2"), "NUL in EHLO");
            assertTrue(r.command("EHLO evil\u0001name.example").startsWith("500 5.5.2"), "control character in EHLO");
            assertTrue(r.command("EHLO client.example").startsWith("250"));
            assertTrue(r.command("MAIL FROM:<a\0b@example.net>").startsWith("50"), "NUL in the sender");
            byte[] overlong = "MAIL FROM:<\u00c0\u00ae@example.net> SMTPUTF8".getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(r.command(overlong).startsWith("501 5.1.7"), "overlong UTF-8 for '.'");
            byte[] truncated = "MAIL FROM:<\u00e2\u0082@example.net> SMTPUTF8".getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(r.command(truncated).startsWith("501 5.1.7"), "a truncated UTF-8 sequence");
            assertTrue(r.command("MAIL FROM:<a@example.net> ENVID=x+0D+0AInjected:+20yes").startsWith("501"),
                    "CR LF smuggled in as xtext");
            assertTrue(r.command("MAIL FROM:<a@example.net>").startsWith("250"));
            assertTrue(r.command("RCPT TO:<carol@example.org> ORCPT=rfc822;c+0D+0AX:+20y@example.org")
                    .startsWith("501"), "CR LF in ORCPT");
            assertTrue(r.command("RCPT TO:<carol@example.org>\0").startsWith("500 5.5.2"), "trailing NUL");
            assertTrue(r.command("RCPT TO:<carol@example.org>").startsWith("250"));
            assertTrue(r.command("DATA").startsWith("354"));
            assertTrue(r.command("Subject: clean\r\n\r\nbody\r\n.").startsWith("250 2.0.0"));
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertEquals(before + 1, inbox("carol").size());
        String m = lastMessage("carol");
        assertTrue(m.contains("from client.example ([127.0.0.1])") && !m.contains("evil") && !m.contains("Injected"),
                m);
        assertTrue(m.chars().noneMatch(c -> c == 0 || c == 1), "no control character reached the stored message");
    }
}
