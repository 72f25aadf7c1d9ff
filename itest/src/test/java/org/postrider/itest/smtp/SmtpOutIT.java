package org.postrider.itest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * Two organisations on loopback and a DNS server serving their MX records: mail for
 * user@example.net leaves Athena by MX lookup and lands in Arlington's mailbox; a null MX
 * bounces at once; an unreachable exchanger is retried and finally bounced.
 */
class SmtpOutIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static TestDns dns;
    static Instance athena;
    static Instance arlington;
    static Instance sparta;

    @BeforeAll
    static void start() throws Exception {
        dns = new TestDns();
        dns.mx("example.net", 10, "mx.example.net").a("mx.example.net", "127.0.0.1");
        dns.mx("nullmx.example", 0, ".");
        dns.mx("unreachable.example", 10, "dead.unreachable.example").a("dead.unreachable.example", "127.0.0.2");
        dns.mx("legacy.example", 10, "mx.legacy.example").a("mx.legacy.example", "127.0.0.3");
        dns.mx("flaky.example", 10, "mx.flaky.example").a("mx.flaky.example", "127.0.0.4");
        dns.mx("nodsn.example", 10, "mx.nodsn.example").a("mx.nodsn.example", "127.0.0.5");
        dns.mx("barecr.example", 10, "mx.barecr.example").a("mx.barecr.example", "127.0.0.6");
        // Sparta on IPv6 only; Arlington reached by a CNAME, and behind a dead IPv6 address with a live IPv4 one.
        dns.mx("v6.example", 10, "mx6.example.net").aaaa("mx6.example.net", "::1");
        dns.mx("alias.example", 10, "mail.alias.example").cname("mail.alias.example", "mx.example.net");
        dns.mx("fallback.example", 10, "mx.fallback.example").aaaa("mx.fallback.example", "::2")
                .a("mx.fallback.example", "127.0.0.1");

        arlington = INSTANCES.create("arlington");
        arlington.config("org.postrider.directory.file", Map.of("defaultDomain", "example.net"));
        arlington.start();
        for (String d : List.of("alias.example", "fallback.example")) {
            arlington.admin("dir:domain-add", d).ok();
            arlington.admin("dir:user-add", "user@" + d, "user-pw").ok();
        }
        arlington.admin("dir:user-add", "user@example.net", "user-pw").ok();
        arlington.admin("dir:user-add", "batch@example.net", "batch-pw").ok();
        arlington.admin("dir:user-add", "share@example.net", "share-pw").ok();
        arlington.admin("dir:user-add", "share@alias.example", "share-pw").ok();
        int arlingtonMx = arlington.listenerPort("smtp");

        // Sparta listens on IPv6 only, on the port the SMTP client of Athena uses for every hop.
        sparta = INSTANCES.create("sparta");
        sparta.config("org.postrider.directory.file", Map.of("defaultDomain", "v6.example"));
        sparta.config("org.postrider.smtp", Map.of("bind", "::1", "port", String.valueOf(arlingtonMx)));
        sparta.start();
        sparta.admin("dir:user-add", "user@v6.example", "user-pw").ok();

        athena = INSTANCES.create("athena");
        athena.config("org.postrider.dns", Map.of("servers", "127.0.0.1:" + dns.port(), "timeoutMillis", "2000"));
        // Sessions wait 10 s for the next message (2 s by default), so the tests need no haste.
        athena.config("org.postrider.smtp.client", Map.of("port", String.valueOf(arlingtonMx),
                "connectionCacheTime", "10s"));
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s,2s", "maxLifetime", "8s",
                "delayWarning", "1h", "destinationConcurrency", "2"));
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
    }

    /**
     * A scripted next hop on a loopback address and Arlington's port (the one Athena's SMTP
     * client uses): greets, offers the given EHLO keywords, takes a message after 354 and
     * says 250 to everything else, for a number of connections. It records the command lines
     * and the messages, and hangs up instead of answering the end of message on the
     * connections {@code hangUpOn} picks.
     */
    static final class FakeHop implements AutoCloseable {
        final List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.net.ServerSocket socket = new java.net.ServerSocket();

        FakeHop(String address, String name, List<String> keywords, int connections,
                java.util.function.IntPredicate hangUpOn) throws Exception {
            socket.bind(new java.net.InetSocketAddress(address, arlington.listenerPort("smtp")));
            StringBuilder ehlo = new StringBuilder("250").append(keywords.isEmpty() ? ' ' : '-').append(name)
                    .append("\r\n");
            for (int k = 0; k < keywords.size(); k++) {
                ehlo.append(k == keywords.size() - 1 ? "250 " : "250-").append(keywords.get(k)).append("\r\n");
            }
            Thread t = new Thread(() -> {
                for (int n = 1; n <= connections; n++) {
                    try (java.net.Socket c = socket.accept()) {
                        serve(c, ehlo.toString(), name, hangUpOn.test(n));
                    } catch (java.io.IOException e) {
                        return; // closed, or the client hung up
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private void serve(java.net.Socket c, String ehlo, String name, boolean hangUp) throws java.io.IOException {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                    StandardCharsets.UTF_8));
            var out = c.getOutputStream();
            out.write(("220 " + name + " ESMTP\r\n").getBytes());
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                commands.add(l);
                String verb = l.toUpperCase(java.util.Locale.ROOT);
                if (verb.startsWith("DATA")) {
                    out.write("354 go on\r\n".getBytes());
                    StringBuilder m = new StringBuilder();
                    for (String d = in.readLine(); d != null && !d.equals("."); d = in.readLine()) {
                        m.append(d).append('\n');
                    }
                    messages.add(m.toString());
                    if (hangUp) {
                        return; // instead of answering
                    }
                    out.write("250 2.0.0 taken\r\n".getBytes());
                } else {
                    out.write((verb.startsWith("EHLO") ? ehlo : verb.startsWith("QUIT") ? "221 bye\r\n"
                            : "250 ok\r\n").getBytes());
                }
            }
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    private static void send(String to, String id) throws Exception {
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                body = ('From: alice@example.org\\r\\nTo: %s\\r\\nSubject: out\\r\\nMessage-ID: <%s@example.org>\\r\\n\\r\\nhello\\r\\n' % (sys.argv[2], sys.argv[3])).encode()
                print('sent', s.sendmail('alice@example.org', [sys.argv[2]], body)); s.quit()
                """, String.valueOf(athena.listenerPort("submission")), to, id).ok().out();
        assertTrue(out.contains("sent {}"), out);
    }

    private static List<Path> inbox(Instance i, String local, String domain) throws Exception {
        return i.messages(i.inbox(local, domain));
    }

    @Test
    void mailLeavesByMxLookupAndLandsInTheOtherOrganisation() throws Exception {
        send("user@example.net", "to-arlington");
        List<Path> got = Await.until("the message at Arlington", Duration.ofSeconds(30),
                () -> inbox(arlington, "user", "example.net"), l -> l.size() == 1);
        String m = Files.readString(got.get(0), StandardCharsets.UTF_8);
        assertTrue(m.contains("Message-ID: <to-arlington@example.org>") && m.endsWith("\r\n\r\nhello\r\n"), m);
        assertTrue(m.contains("from athena ([127.0.0.1])") && m.contains("by arlington (Postrider) with ESMTPS"),
                "relayed over STARTTLS by Athena:\n" + m);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertTrue(Files.readString(athena.home().resolve("data/log/postrider.log"))
                .contains("via=smtp dest=example.net"));
    }

    private static long stat(Instance i, String name) throws Exception {
        String out = i.admin("smtp:stats").ok().out();
        return out.lines().filter(l -> l.startsWith(name + ":")).mapToLong(l -> Long.parseLong(l.split(":\\s+")[1]))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in\n" + out));
    }

    @Test
    void messagesForOneDomainShareSessionsInsteadOfOneConnectionEach() throws Exception {
        long acceptedBefore = stat(arlington, "in.accepted");
        long reusedBefore = stat(athena, "out.reused");
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                for n in range(12):
                    body = ('From: alice@example.org\\r\\nTo: batch@example.net\\r\\nSubject: batch %d\\r\\n\\r\\nnumber %d\\r\\n' % (n, n)).encode()
                    s.sendmail('alice@example.org', ['batch@example.net'], body)
                s.quit(); print('sent all')
                """, String.valueOf(athena.listenerPort("submission"))).ok().out();
        assertTrue(out.contains("sent all"), out);
        List<Path> got = Await.until("twelve messages at Arlington", Duration.ofSeconds(30),
                () -> inbox(arlington, "batch", "example.net"), l -> l.size() == 12);
        java.util.Set<String> bodies = new java.util.TreeSet<>();
        for (Path p : got) {
            String m = Files.readString(p, StandardCharsets.UTF_8);
            bodies.add(m.substring(m.indexOf("\r\n\r\n") + 4));
        }
        assertEquals(12, bodies.size(), "each message once, none mixed up: " + bodies);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        // At most two sessions at a time (destinationConcurrency=2), each reused while mail keeps
        // coming; one connection per message would make twelve.
        long connections = stat(arlington, "in.accepted") - acceptedBefore;
        assertTrue(connections >= 1 && connections <= 4, "connections for 12 messages: " + connections);
        assertTrue(stat(athena, "out.reused") - reusedBefore >= 8, athena.admin("smtp:stats").out());
        // Idle sessions are closed after connectionCacheTime, with a QUIT.
        Await.until("idle sessions closed", Duration.ofSeconds(30), () -> stat(athena, "out.idle"), n -> n == 0);
        Await.until("Arlington sees them gone", Duration.ofSeconds(10), () -> stat(arlington, "in.open"), n -> n == 0);
    }

    @Test
    void domainsOnOneExchangerShareItsSessions() throws Exception {
        send("share@example.net", "share-1");
        Await.until("the first message", Duration.ofSeconds(30), () -> inbox(arlington, "share", "example.net"),
                l -> l.stream().anyMatch(p -> read(p).contains("<share-1@example.org>")));
        long accepted = stat(arlington, "in.accepted");
        long reused = stat(athena, "out.reused");
        // alias.example's exchanger is a CNAME of mx.example.net: the same address, the same session.
        send("share@alias.example", "share-2");
        Await.until("the second message", Duration.ofSeconds(30), () -> inbox(arlington, "share", "alias.example"),
                l -> l.stream().anyMatch(p -> read(p).contains("<share-2@example.org>")));
        assertEquals(accepted, stat(arlington, "in.accepted"), "no new connection for the second domain");
        assertEquals(reused + 1, stat(athena, "out.reused"), athena.admin("smtp:stats").out());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void exchangersAreReachedOverIpv6ThroughCnamesAndOnTheirNextAddress() throws Exception {
        send("user@v6.example", "to-v6");
        send("user@alias.example", "to-alias");
        send("user@fallback.example", "to-fallback");
        String v6 = Files.readString(Await.until("the message over IPv6", Duration.ofSeconds(30),
                () -> inbox(sparta, "user", "v6.example"), l -> l.size() == 1).get(0), StandardCharsets.UTF_8);
        assertTrue(v6.contains("Message-ID: <to-v6@example.org>") && v6.contains("from athena ([IPv6:"),
                "relayed over IPv6, with an RFC 5321 IPv6 literal in the trace:\n" + v6);
        String alias = Files.readString(Await.until("the message through the CNAME", Duration.ofSeconds(30),
                () -> inbox(arlington, "user", "alias.example"), l -> l.size() == 1).get(0), StandardCharsets.UTF_8);
        assertTrue(alias.contains("Message-ID: <to-alias@example.org>"), alias);
        String fallback = Files.readString(Await.until("the message on the IPv4 address", Duration.ofSeconds(30),
                () -> inbox(arlington, "user", "fallback.example"), l -> l.size() == 1).get(0), StandardCharsets.UTF_8);
        assertTrue(fallback.contains("Message-ID: <to-fallback@example.org>") && fallback.contains("([127.0.0.1])"),
                fallback);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
    }

    @Test
    void aNextHopWithout8BitMimeGetsNo8BitMessageButAClearBounce() throws Exception {
        // A legacy exchanger that offers neither 8BITMIME nor anything else, on Arlington's port.
        try (FakeHop legacy = new FakeHop("127.0.0.3", "legacy.example", List.of(), 1, n -> false)) {
            Path eml = athena.home().resolve("8bit.eml");
            Files.writeString(eml, "From: alice@example.org\r\nSubject: Grüße\r\nMessage-ID: <to-legacy@example.org>\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nschöne Grüße\r\n");
            athena.submit(eml, "alice@example.org", "z@legacy.example");
            String dsn = Await.until("the failure notice", Duration.ofSeconds(30), () -> {
                for (Path p : inbox(athena, "alice", "example.org")) {
                    String text = Files.readString(p, StandardCharsets.UTF_8);
                    if (text.contains("z@legacy.example") && text.contains("Action: failed")) {
                        return text;
                    }
                }
                return "";
            }, x -> !x.isEmpty());
            assertTrue(dsn.contains("Status: 5.6.3") && dsn.contains("does not support 8BITMIME"), dsn);
            assertTrue(dsn.contains("Remote-MTA: dns; mx.legacy.example\r\n"), "RFC 3464: the host's name\n" + dsn);
        }
    }

    @Test
    void aHopGetsTheDsnRequestsAndWhenItHangsUpAfterTheMessageItIsRetriedNotBounced() throws Exception {
        // An exchanger that hangs up without answering the end of the first message, then takes it.
        FakeHop flaky = new FakeHop("127.0.0.4", "flaky.example", List.of("DSN", "8BITMIME"), 2, n -> n == 1);
        try (flaky) {
            // With DSN requests, which a hop that offers DSN gets passed on (RFC 3461 6.2).
            String out = Python.run(athena.home(), """
                    import smtplib, ssl, sys
                    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                    s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                    body = b'From: alice@example.org\\r\\nMessage-ID: <to-flaky@example.org>\\r\\n\\r\\nhello\\r\\n'
                    print('sent', s.sendmail('alice@example.org', ['f@flaky.example'], body,
                        mail_options=['RET=HDRS', 'ENVID=id+2Bflaky'],
                        rcpt_options=['NOTIFY=SUCCESS,FAILURE', 'ORCPT=rfc822;orig+2Bf@flaky.example'])); s.quit()
                    """, String.valueOf(athena.listenerPort("submission"))).ok().out();
            assertTrue(out.contains("sent {}"), out);
            Await.until("the second attempt taken", Duration.ofSeconds(30), () -> flaky.messages.size(), n -> n == 2);
            athena.awaitQueueEmpty(Duration.ofSeconds(20));
        }
        assertTrue(flaky.messages.get(1).contains("Message-ID: <to-flaky@example.org>"), flaky.messages.toString());
        assertTrue(flaky.commands.contains("MAIL FROM:<alice@example.org> RET=HDRS ENVID=id+2Bflaky"),
                flaky.commands.toString());
        assertTrue(flaky.commands.contains("RCPT TO:<f@flaky.example> NOTIFY=SUCCESS,FAILURE "
                + "ORCPT=rfc822;orig+2Bf@flaky.example"), flaky.commands.toString());
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"));
        assertTrue(log.lines().anyMatch(l -> l.contains("deferred id=") && l.contains("f@flaky.example")
                && l.contains("connection lost after the message was sent")), "deferred, with the reason");
        for (Path p : inbox(athena, "alice", "example.org")) {
            assertFalse(Files.readString(p).contains("f@flaky.example"), "no failure notice for a deferral");
        }
    }

    @Test
    void aDotAfterABareCrIsStuffedSoAHopThatEndsLinesAtCrSeesNoEarlyEnd() throws Exception {
        // The hop reads lines as many do (BufferedReader: CR, LF or CRLF ends one). A message
        // that reached the queue with a bare CR (an administrator's file) must not end there.
        try (FakeHop hop = new FakeHop("127.0.0.6", "barecr.example", List.of("8BITMIME"), 1, n -> false)) {
            Path eml = athena.home().resolve("barecr.eml");
            Files.write(eml, ("From: alice@example.org\r\nMessage-ID: <bare-cr@example.org>\r\n\r\nbody\r.\r\n"
                    + "MAIL FROM:<spoof@example.org>\r\nRCPT TO:<victim@barecr.example>\r\nDATA\r\n"
                    + "Subject: smuggled\r\n\r\nevil\r\n").getBytes(StandardCharsets.US_ASCII));
            athena.submit(eml, "alice@example.org", "b@barecr.example");
            Await.until("the message at the hop", Duration.ofSeconds(30), () -> hop.messages.size(), n -> n == 1);
            athena.awaitQueueEmpty(Duration.ofSeconds(20));
            assertTrue(hop.messages.get(0).contains("body\n..\nMAIL FROM:<spoof@example.org>\n")
                    && hop.messages.get(0).endsWith("evil\n"), "one message, the dot stuffed: " + hop.messages);
            assertFalse(hop.commands.stream().anyMatch(c -> c.contains("spoof") || c.contains("victim")),
                    "nothing of the text read as a command: " + hop.commands);
        }
    }

    @Test
    void aSenderWhoAskedIsToldTheMessageWasRelayedToAHopWithoutDsn() throws Exception {
        FakeHop hop = new FakeHop("127.0.0.5", "nodsn.example", List.of(), 1, n -> false); // no DSN, nothing
        try (hop) {
            String out = Python.run(athena.home(), """
                    import smtplib, ssl, sys
                    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                    s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                    body = b'From: alice@example.org\\r\\nMessage-ID: <to-nodsn@example.org>\\r\\n\\r\\nhello\\r\\n'
                    print('sent', s.sendmail('alice@example.org', ['n@nodsn.example'], body,
                        rcpt_options=['NOTIFY=SUCCESS'])); s.quit()
                    """, String.valueOf(athena.listenerPort("submission"))).ok().out();
            assertTrue(out.contains("sent {}"), out);
            String report = Await.until("the relayed notice", Duration.ofSeconds(30), () -> {
                for (Path p : inbox(athena, "alice", "example.org")) {
                    String text = Files.readString(p, StandardCharsets.UTF_8);
                    if (text.contains("n@nodsn.example") && text.contains("Successful Mail Delivery Report")) {
                        return text;
                    }
                }
                return "";
            }, x -> !x.isEmpty());
            assertTrue(report.contains("Final-Recipient: rfc822; n@nodsn.example\r\nAction: relayed\r\n"
                    + "Status: 2.0.0\r\nRemote-MTA: dns; mx.nodsn.example\r\n"), report);
        }
        assertTrue(hop.commands.contains("RCPT TO:<n@nodsn.example>"), "no DSN parameters for a hop without DSN: "
                + hop.commands);
    }

    @Test
    void aNullMxBouncesAtOnceAndAnUnreachableExchangerIsRetriedThenBounced() throws Exception {
        send("x@nullmx.example", "to-nullmx");
        send("y@unreachable.example", "to-dead");
        List<String> dsns = Await.until("both failure notices", Duration.ofSeconds(40), () -> {
            List<String> texts = new java.util.ArrayList<>();
            for (Path p : inbox(athena, "alice", "example.org")) {
                texts.add(Files.readString(p));
            }
            return texts;
        }, l -> l.stream().filter(t -> t.contains("x@nullmx.example") || t.contains("y@unreachable.example"))
                .count() == 2);
        String nullMx = dsns.stream().filter(t -> t.contains("x@nullmx.example")).findFirst().orElseThrow();
        String dead = dsns.stream().filter(t -> t.contains("y@unreachable.example")).findFirst().orElseThrow();
        assertTrue(nullMx.contains("Status: 5.1.10") && nullMx.contains("null MX"), nullMx);
        assertTrue(dead.contains("Status: 4.4.7") && dead.contains("no exchanger of unreachable.example reachable"),
                dead);
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"));
        long deferrals = log.lines().filter(l -> l.contains("deferred id=") && l.contains("y@unreachable.example"))
                .count();
        assertTrue(deferrals >= 2, "retried before giving up: " + deferrals);
        assertEquals(0, log.lines().filter(l -> l.contains("deferred id=") && l.contains("x@nullmx.example")).count(),
                "a null MX is not retried");
    }
}
