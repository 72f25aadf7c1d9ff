package org.postrider.itest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.SubmissionStream;

/**
 * Two servers of one organisation, Athena (mailbox server of alice and carol) and Hermes (of
 * bob), on loopback: mail submitted at Hermes for carol crosses the internal transport into
 * Athena's store; links with a wrong secret or an unknown name are refused; a kill -9 of the
 * receiver or of the sender in the middle of 500 messages for alice loses and duplicates none.
 * One organisation for the class: each test counts only its own messages (the streams by
 * their tag, carol's mailbox is the first test's alone), and a test that kills a server
 * starts it again and waits until both queues are empty.
 */
class InternalLinkIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);
    private static Org org;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The registry on one server, as a typed .config file (several entries), moved in atomically. */
    private static void org(Instance i, Map<String, Integer> servers) throws Exception {
        StringBuilder list = new StringBuilder();
        for (Map.Entry<String, Integer> e : servers.entrySet()) {
            list.append(list.isEmpty() ? "" : ",").append("\"").append(e.getKey()).append("=127.0.0.1:")
                    .append(e.getValue()).append("\"");
        }
        Path tmp = i.home().resolve("org.config.tmp");
        Files.writeString(tmp, "servers=[" + list + "]\n", StandardCharsets.UTF_8);
        Files.move(tmp, i.home().resolve("deploy/org.postrider.org.config"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static void sameSecret(Instance from, Instance to) throws Exception {
        Path src = from.home().resolve("data/internal/org.secret");
        Await.until("the secret of " + from.name(), Duration.ofSeconds(30), () -> Files.exists(src), b -> b);
        Path dst = to.home().resolve("data/internal/org.secret");
        Files.createDirectories(dst.getParent());
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    record Org(Instance athena, Instance hermes, int athenaPort) {
    }

    @BeforeAll
    static void organisation() throws Exception {
        int athenaPort = freePort();
        Instance athena = INSTANCES.create("athena");
        athena.config("org.postrider.internal", Map.of("port", String.valueOf(athenaPort), "authFailureDelay",
                "200ms"));
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        athena.admin("dir:user-add", "carol@example.org", "carol-pw").ok();
        athena.admin("dir:user-add", "bob@example.org", "bob-pw").ok();
        athena.admin("dir:home-set", "bob@example.org", "hermes").ok();

        Instance hermes = INSTANCES.create("hermes");
        // a port of its own that a restart keeps (a test kills and restarts hermes), as athena's
        hermes.config("org.postrider.internal", Map.of("port", String.valueOf(freePort()), "reconnectBackoff",
                "2s"));
        hermes.config("org.postrider.core.queue", Map.of("retrySchedule", "1s,2s"));
        sameSecret(athena, hermes);
        hermes.start();
        hermes.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        hermes.admin("dir:home-set", "alice@example.org", "athena").ok();
        hermes.admin("dir:user-add", "carol@example.org", "carol-pw").ok();
        hermes.admin("dir:home-set", "carol@example.org", "athena").ok();
        hermes.admin("dir:user-add", "bob@example.org", "bob-pw").ok();
        int hermesPort = hermes.listenerPort("internal");
        org(athena, Map.of("athena", athenaPort, "hermes", hermesPort));
        org(hermes, Map.of("athena", athenaPort, "hermes", hermesPort));
        Await.until("hermes knows athena", Duration.ofSeconds(10), () -> hermes.admin("internal:links").out(),
                out -> out.contains("athena"));
        Await.until("athena knows hermes", Duration.ofSeconds(10), () -> athena.admin("internal:links").out(),
                out -> out.contains("hermes"));
        org = new Org(athena, hermes, athenaPort);
    }

    @Test
    void mailSubmittedAtHermesForAnAthenaUserIsReadOverPop3AtAthena() throws Exception {
        Org o = org;
        int submission = o.hermes().listenerPort("submission");
        Exec.Result sent = Python.run(o.hermes().home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx)
                s.login('bob@example.org', 'bob-pw')
                s.sendmail('bob@example.org', ['carol@example.org'],
                    b'From: bob@example.org\\r\\nTo: carol@example.org\\r\\nSubject: across\\r\\n'
                    b'Message-ID: <across-1@example.org>\\r\\n\\r\\nover the internal link\\r\\n')
                s.quit()
                """, String.valueOf(submission));
        sent.ok();
        Path inbox = o.athena().inbox("carol", "example.org");
        Await.until("carol's message at athena", Duration.ofSeconds(30), () -> o.athena().messages(inbox).size(),
                n -> n == 1);
        int pop3s = o.athena().listenerPort("pop3s");
        String read = Python.run(o.athena().home(), """
                import poplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
                p.user('carol@example.org'); p.pass_('carol-pw')
                print(b'\\n'.join(p.retr(1)[1]).decode())
                p.quit()
                """, String.valueOf(pop3s)).ok().out();
        assertTrue(read.contains("Message-ID: <across-1@example.org>") && read.contains("over the internal link"),
                read);
        assertTrue(read.contains("by athena") && read.contains("from hermes"), "the trace names the hop:\n" + read);
        String links = o.hermes().admin("internal:links").ok().out();
        assertTrue(links.matches("(?s).*athena\\s+127\\.0\\.0\\.1:\\d+\\s+open\\s+hmac.*"), links);
        String test = o.hermes().admin("internal:test", "athena").ok().out();
        assertTrue(test.contains("authenticated by hmac") && test.contains("round trip"), test);
    }

    @Test
    void aWrongSecretAndAnUnknownNameAreRefused() throws Exception {
        Org o = org;
        int stored = o.athena().messages(o.athena().inbox("alice", "example.org")).size();
        String refusedBefore = linksRefused(o.athena());
        // sparta is in athena's registry but has a secret of its own
        Instance sparta = INSTANCES.create("sparta");
        sparta.start();
        int spartaPort = sparta.listenerPort("internal");
        org(sparta, Map.of("athena", o.athenaPort(), "sparta", spartaPort));
        org(o.athena(), Map.of("athena", o.athenaPort(), "hermes", o.hermes().listenerPort("internal"), "sparta",
                spartaPort));
        // (until both registries have been read: before, the refusal is for an unknown server)
        Exec.Result wrong = Await.until("sparta refused for its secret", Duration.ofSeconds(30),
                () -> sparta.admin("internal:test", "athena"), r -> (r.out() + r.err()).contains("wrong HMAC"));
        assertTrue(wrong.exit() != 0, wrong.out());

        // rogue has the organisation's secret but athena's registry does not name it
        Instance rogue = INSTANCES.create("rogue");
        sameSecret(o.athena(), rogue);
        rogue.start();
        org(rogue, Map.of("athena", o.athenaPort(), "rogue", rogue.listenerPort("internal")));
        Exec.Result unknown = Await.until("rogue refused as unknown", Duration.ofSeconds(30),
                () -> rogue.admin("internal:test", "athena"),
                r -> (r.out() + r.err()).contains("not a server of the organisation"));
        assertTrue(unknown.exit() != 0, unknown.out());
        String links = o.athena().admin("internal:links").ok().out();
        assertTrue(Long.parseLong(linksRefused(o.athena())) > Long.parseLong(refusedBefore), links);
        assertEquals(stored, o.athena().messages(o.athena().inbox("alice", "example.org")).size());
        // gone again, so that athena's registry names only the organisation for the other tests
        org(o.athena(), Map.of("athena", o.athenaPort(), "hermes", o.hermes().listenerPort("internal")));
        sparta.stop();
        rogue.stop();
    }

    /** The count of refused links in internal:links. */
    private static String linksRefused(Instance i) throws Exception {
        String links = i.admin("internal:links").ok().out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("links refused=(\\d+)").matcher(links);
        assertTrue(m.find(), links);
        return m.group(1);
    }

    @Test
    void killingTheReceiverMidStreamLosesAndDuplicatesNothing() throws Exception {
        Org o = org;
        SubmissionStream stream = new SubmissionStream(o.hermes(), "ikill", 500, "bob@example.org",
                "alice@example.org");
        Path inbox = o.athena().inbox("alice", "example.org");
        int acknowledged = stream.run(n -> {
            if (n == 200) {
                try {
                    o.athena().kill9();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertEquals(500, acknowledged, "hermes took every message");
        int before = stream.delivered(inbox).size();
        o.athena().start();
        o.hermes().awaitQueueEmpty(Duration.ofSeconds(120));
        o.athena().awaitQueueEmpty(Duration.ofSeconds(60));
        Map<Integer, Integer> seen = stream.delivered(inbox);
        for (int i = 0; i < 500; i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "message " + i + " must be in athena's store exactly once");
        }
        System.out.println("kill -9 of athena with " + before + " of 500 stored; links at hermes:\n"
                + o.hermes().admin("internal:links").ok().out() + "at athena:\n"
                + o.athena().admin("internal:links").ok().out());
    }

    @Test
    void killingTheSenderMidStreamLosesAndDuplicatesNothing() throws Exception {
        Org o = org;
        SubmissionStream stream = new SubmissionStream(o.hermes(), "skill", 500, "bob@example.org",
                "alice@example.org");
        Path inbox = o.athena().inbox("alice", "example.org");
        int acknowledged = stream.run(n -> {
            if (n == 300) {
                try {
                    o.hermes().kill9(); // deliveries to athena are in flight: some ACKs are lost with it
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertTrue(acknowledged >= 300 && acknowledged < 500, "the kill must land mid-stream: " + acknowledged);
        o.hermes().start();
        o.hermes().awaitQueueEmpty(Duration.ofSeconds(120));
        o.athena().awaitQueueEmpty(Duration.ofSeconds(60));
        Map<Integer, Integer> seen = stream.delivered(inbox);
        for (int i = 0; i < acknowledged; i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "acknowledged message " + i + " must arrive exactly once");
        }
        for (Map.Entry<Integer, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "message " + e.getKey() + " arrived twice");
        }
        System.out.println("kill -9 of hermes after " + acknowledged + " submissions; at athena:\n"
                + o.athena().admin("internal:links").ok().out());
    }

    /**
     * Patmos submits a typed message at Athena for bob, homed at Hermes; Hermes cannot hand it
     * on (bob's home there is a server it does not know), so it stays in Hermes' queue: its
     * spool file has the property set Athena kept, a property with no MIME form among them
     * (the message class), and so does its envelope after a kill -9 and a restart.
     */
    @Test
    void aTypedMessagesPropertySetCrossesToTheNextServerAndSurvivesItsKill9() throws Exception {
        Org o = org; // the shared organisation (organisation() makes it once, @BeforeAll)
        o.hermes().admin("dir:home-set", "bob@example.org", "nowhere").ok();
        try {
            typedAcross(o);
        } finally { // the organisation as the other tests know it: bob homed at hermes
            o.hermes().admin("dir:home-set", "bob@example.org", "hermes").ok();
        }
    }

    private static void typedAcross(Org o) throws Exception {
        Path p12 = o.athena().home().resolve("data/tls/selfsigned.p12");
        java.security.KeyStore ks = java.security.KeyStore.getInstance(p12.toFile(), "postrider".toCharArray());
        String pin = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(ks.getCertificate("postrider").getEncoded()));
        Path pw = o.athena().home().resolve("alice.pw");
        Files.writeString(pw, "alice-pw\n");
        Exec.run(java.util.List.of("bash", o.athena().home().resolve("bin/patmos").toString(), "--server",
                "127.0.0.1:" + o.athenaPort(), "--pin", pin, "--user", "alice@example.org", "--password-file",
                pw.toString(), "--to", "bob@example.org", "--subject", "typed across", "--body", "kept typed",
                "--class", "IPM.Note.Patmos"), o.athena().home(), Map.of(), Duration.ofSeconds(60)).ok();

        Path queue = o.hermes().home().resolve("data/spool/queue");
        Path file = Await.until("the message in hermes' queue", Duration.ofSeconds(60), () -> {
            try (var files = Files.list(queue)) {
                return files.filter(f -> f.toString().endsWith(".msg")).findFirst().orElse(null);
            }
        }, f -> f != null);
        String spooled = Files.readString(file, StandardCharsets.ISO_8859_1);
        String line = spooled.lines().filter(l -> l.startsWith("props ")).findFirst().orElse(null);
        assertTrue(line != null, "the property set is in hermes' spool header:\n" + spooled);
        byte[] set = java.util.Base64.getDecoder().decode(line.substring(6));
        String octets = new String(set, StandardCharsets.ISO_8859_1);
        assertTrue(octets.contains("IPM.Note.Patmos"), "the class (no MIME form) travelled with the set");
        assertTrue(!spooled.substring(spooled.indexOf("\n\n")).contains("IPM.Note.Patmos"), "not in the MIME");
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Message-ID: (<[^>]+>)").matcher(spooled);
        assertTrue(id.find() && octets.contains(id.group(1)), "the set athena completed, Message-ID and all");

        String queueId = file.getFileName().toString().replace(".msg", "");
        o.hermes().kill9();
        o.hermes().start();
        String shown = Await.until("the message back in hermes' queue", Duration.ofSeconds(60),
                () -> o.hermes().admin("queue:show", queueId), r -> r.out().contains("recipient:")).out();
        assertTrue(shown.contains("properties:   " + set.length + " octets"), shown);
    }
}
