package org.postrider.itest.org;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.TestDns;

/**
 * The example organisation of DESIGN.md on loopback: Athena (mailbox server of example.org),
 * Hermes (its Internet gateway), Arlington (the mailbox server of example.net, reached only
 * by SMTP), and a DNS server with the two domains' MX records. Mail from spyros at Athena
 * to mark at Arlington goes Athena → internal → Hermes → MX → Arlington; mark's reply goes
 * Arlington → MX → Hermes → internal → Athena; each is read with the real clients.
 */
class OrganisationIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);
    static TestDns dns;
    static Instance athena;
    static Instance hermes;
    static Instance arlington;

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
        int athenaInternal = freePort();
        dns = new TestDns();
        dns.mx("example.org", 10, "hermes.example.org").a("hermes.example.org", "127.0.0.1");
        dns.mx("example.net", 10, "arlington.example.net").a("arlington.example.net", "127.0.0.1");
        Map<String, String> resolver = Map.of("servers", "127.0.0.1:" + dns.port(), "timeoutMillis", "2000");
        Map<String, String> quickRetries = Map.of("retrySchedule", "1s,2s");

        arlington = INSTANCES.create("arlington");
        arlington.config("org.postrider.directory.file", Map.of("defaultDomain", "example.net"));
        arlington.config("org.postrider.smtp", Map.of("port", String.valueOf(arlingtonMx)));
        arlington.config("org.postrider.smtp.client", Map.of("port", String.valueOf(hermesMx)));
        arlington.config("org.postrider.dns", resolver);
        arlington.config("org.postrider.core.queue", quickRetries);
        arlington.start();
        arlington.admin("dir:user-add", "mark@example.net", "mark-pw").ok();

        athena = INSTANCES.create("athena");
        athena.config("org.postrider.internal", Map.of("port", String.valueOf(athenaInternal)));
        athena.config("org.postrider.core.queue", quickRetries);
        athena.start();
        athena.admin("dir:user-add", "spyros@example.org", "spyros-pw").ok();

        hermes = INSTANCES.create("hermes");
        hermes.config("org.postrider.internal", Map.of("port", "0", "reconnectBackoff", "2s"));
        hermes.config("org.postrider.smtp", Map.of("port", String.valueOf(hermesMx)));
        hermes.config("org.postrider.smtp.client", Map.of("port", String.valueOf(arlingtonMx)));
        hermes.config("org.postrider.dns", resolver);
        hermes.config("org.postrider.core.queue", quickRetries);
        Path secret = athena.home().resolve("data/internal/org.secret");
        Await.until("athena's organisation secret", Duration.ofSeconds(30), () -> Files.exists(secret), b -> b);
        Files.createDirectories(hermes.home().resolve("data/internal"));
        Files.copy(secret, hermes.home().resolve("data/internal/org.secret"), StandardCopyOption.COPY_ATTRIBUTES);
        hermes.start();
        // one Directory for the organisation, as LDAP will give: spyros is homed on athena
        hermes.admin("dir:user-add", "spyros@example.org", "spyros-pw").ok();
        hermes.admin("dir:home-set", "spyros@example.org", "athena").ok();

        int hermesInternal = hermes.listenerPort("internal");
        Map<String, Integer> servers = Map.of("athena", athenaInternal, "hermes", hermesInternal);
        org(athena, servers, "hermes");
        org(hermes, servers, "");
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
}
