package org.postrider.itest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Dovecot;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * The LMTP gateway as an administrator deploys it (optional/gateway-lmtp.jar of the
 * distribution copied into deploy/, with an address space in its .cfg) in front of a real
 * Dovecot LMTP server: mail sent by SMTP lands in Dovecot's Maildir, a recipient Dovecot
 * refuses is bounced to the sender, and while Dovecot is down mail waits and is delivered
 * once it is back.
 */
class LmtpDovecotIT {
    @RegisterExtension
    final Instances instances = new Instances();

    private Dovecot dovecot;

    @RegisterExtension
    final TestWatcher dovecotLog = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (dovecot != null) {
                System.out.println("---- Dovecot's log\n" + dovecot.log());
            }
        }
    };

    @AfterEach
    void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private Instance athena(int lmtpPort) throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s"));
        athena.config("org.postrider.gateway.lmtp", Map.of("id", "legacy",
                "addressSpaces", "SMTP:*@legacy.example.org;1", "host", "127.0.0.1", "port", String.valueOf(lmtpPort)));
        athena.deploy(Instance.distribution().resolve("optional/gateway-lmtp.jar"), "gateway-lmtp.jar");
        athena.start();
        Await.until("the LMTP gateway bound", Duration.ofSeconds(20), () -> athena.admin("gateway:list").ok().out(),
                o -> o.contains("gateway:legacy           bound"));
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        return athena;
    }

    private static void send(Instance athena, String id, String... to) throws Exception {
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                body = ('From: alice@example.org\\r\\nTo: %s\\r\\nSubject: to the legacy system\\r\\nMessage-ID: <%s@example.org>\\r\\n\\r\\nhello legacy\\r\\n.leading dot\\r\\n' % (', '.join(sys.argv[3:]), sys.argv[2])).encode()
                print('sent', s.sendmail('alice@example.org', sys.argv[3:], body)); s.quit()
                """, concat(String.valueOf(athena.listenerPort("submission")), id, to)).ok().out();
        assertTrue(out.contains("sent {}"), out);
    }

    private static String[] concat(String a, String b, String... rest) {
        String[] all = new String[rest.length + 2];
        all[0] = a;
        all[1] = b;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    private static final String DSN_READER = """
            import email, sys
            from email import policy
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.compat32)
            print('type', m.get_content_type(), m.get_param('report-type'))
            parts = m.get_payload()
            for b in parts[1].get_payload()[1:]:
                print('recipient', b['Final-Recipient'], '|', b['Action'], '|', b['Status'], '|', b['Remote-MTA'], '|', b['Diagnostic-Code'])
            if parts[2].get_content_type() == 'message/rfc822':
                print('original', parts[2].get_payload()[0]['Message-ID'])
            """;

    @Test
    void mailLandsInDovecotsMaildirAndARecipientDovecotRefusesIsBounced() throws Exception {
        dovecot = Dovecot.start("bob@legacy.example.org");
        Instance athena = athena(dovecot.port());
        String route = athena.admin("gateway:test", "bob@legacy.example.org").ok().out();
        assertTrue(route.contains("gateway:legacy -> legacy (agent bound)"), route);

        send(athena, "to-dovecot", "bob@legacy.example.org", "nobody@legacy.example.org");

        List<Path> got = Await.until("the message in Dovecot's Maildir", Duration.ofSeconds(30),
                () -> dovecot.messages("bob@legacy.example.org"), l -> l.size() == 1);
        String m = Files.readString(got.get(0), StandardCharsets.UTF_8).replace("\r\n", "\n");
        assertTrue(m.contains("Message-ID: <to-dovecot@example.org>"), m);
        assertTrue(m.contains("Subject: to the legacy system"), m);
        assertTrue(m.endsWith("\n\nhello legacy\n.leading dot\n"), "the text as sent, the dot unstuffed: " + m);
        assertTrue(m.contains("by athena (Postrider)"), "with Athena's trace field: " + m);
        assertTrue(m.contains("Delivered-To: bob@legacy.example.org") || m.contains("Return-Path: <alice@example.org>"),
                "Dovecot's own delivery fields: " + m);

        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        List<Path> bounces = Await.until("the bounce for the refused recipient", Duration.ofSeconds(30),
                () -> athena.messages(athena.inbox("alice", "example.org")), l -> l.size() == 1);
        String dsn = Python.run(Path.of(System.getProperty("java.io.tmpdir")), DSN_READER, bounces.get(0).toString())
                .ok().out();
        assertTrue(dsn.contains("type multipart/report delivery-status"), dsn);
        assertTrue(dsn.contains("recipient rfc822; nobody@legacy.example.org | failed | 5.1.1 |"), dsn);
        assertTrue(dsn.contains("User doesn't exist"), "Dovecot's words are quoted: " + dsn);
        assertTrue(!dsn.contains("bob@legacy.example.org |"), "only the refused recipient is reported: " + dsn);
        assertTrue(dsn.contains("original <to-dovecot@example.org>"), dsn);
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"));
        assertTrue(log.contains("delivered id=") && log.contains("to=<bob@legacy.example.org> via=gateway:legacy"), log);
    }

    @Test
    void whileDovecotIsDownMailWaitsAndIsDeliveredOnceItIsBack() throws Exception {
        dovecot = Dovecot.prepare("bob@legacy.example.org"); // configured, not running
        Instance athena = athena(dovecot.port());

        send(athena, "while-down", "bob@legacy.example.org");
        Path log = athena.home().resolve("data/log/postrider.log");
        Await.until("the deferral", Duration.ofSeconds(30), () -> Files.readString(log),
                l -> l.contains("deferred id=") && l.contains("to=<bob@legacy.example.org> via=gateway:legacy status=4.4.1"));
        Await.until("a second attempt", Duration.ofSeconds(30), () -> Files.readString(log),
                l -> l.split("to=<bob@legacy\\.example\\.org> via=gateway:legacy status=4\\.4\\.1", -1).length > 2);
        assertTrue(athena.admin("queue:list").ok().out().contains("bob@legacy.example.org"), "still queued");
        assertTrue(dovecot.messages("bob@legacy.example.org").isEmpty());

        dovecot.start();
        List<Path> got = Await.until("the message in Dovecot's Maildir once it is back", Duration.ofSeconds(30),
                () -> dovecot.messages("bob@legacy.example.org"), l -> !l.isEmpty());
        assertTrue(Files.readString(got.get(0)).contains("Message-ID: <while-down@example.org>"));
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        assertEquals(1, dovecot.messages("bob@legacy.example.org").size(), "delivered once");
        assertTrue(athena.messages(athena.inbox("alice", "example.org")).isEmpty(), "no notice: it was only late");
    }
}
