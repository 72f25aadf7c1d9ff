package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.ScriptedGateway;

/**
 * Retries, delay and failure notices, and the null sender, with the scripted test gateway
 * (a plugin built only against the API) answering retry or fail. The notices are read by
 * Python's standard email package, which parses RFC 3464 reports.
 */
class DeliveryFailuresIT {
    @RegisterExtension
    final Instances instances = new Instances();

    private static final String DSN_READER = """
            import email, sys
            from email import policy
            m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.compat32)
            print('type', m.get_content_type(), m.get_param('report-type'))
            parts = m.get_payload()
            ds = parts[1]
            print('status-part', ds.get_content_type())
            blocks = ds.get_payload()
            print('reporting-mta', blocks[0]['Reporting-MTA'])
            for b in blocks[1:]:
                print('recipient', b['Final-Recipient'], '|', b['Action'], '|', b['Status'], '|', b['Diagnostic-Code'],
                      '| original', b['Original-Recipient'])
            print('returned', parts[2].get_content_type())
            if parts[2].get_content_type() == 'message/rfc822':
                print('original', parts[2].get_payload()[0]['Message-ID'])
            """;

    private Instance athena(String mode, Map<String, String> queueConfig) throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", queueConfig);
        ScriptedGateway.install(athena, Map.of("mode", mode));
        athena.start();
        ScriptedGateway.awaitBound(athena);
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        return athena;
    }

    private static Path message(Instance i, String messageId) throws Exception {
        Path p = i.home().resolve(messageId + ".eml");
        Files.writeString(p, "From: alice@example.org\r\nTo: x@scripted.test\r\nSubject: test\r\nMessage-ID: <"
                + messageId + "@example.org>\r\n\r\nbody\r\n");
        return p;
    }

    private static String readDsn(Path file) throws Exception {
        // not in the Maildir: the script file Python.run writes would be taken for a message
        return Python.run(Path.of(System.getProperty("java.io.tmpdir")), DSN_READER, file.toString()).ok().out();
    }

    private static List<String> reports(Instance athena) throws Exception {
        List<String> out = new ArrayList<>();
        for (Path f : athena.messages(athena.inbox("alice", "example.org"))) {
            out.add(readDsn(f));
        }
        return out;
    }

    @Test
    void retriesOnTheScheduleThenSendsDelayAndFailureNotices() throws Exception {
        Instance athena = athena("retry", Map.of("retrySchedule", "1s,2s", "delayWarning", "2s",
                "maxLifetime", "6s"));
        athena.admin("queue:submit", message(athena, "slow").toString(), "alice@example.org", "x@scripted.test").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(40));

        List<Long> times = Files.readAllLines(athena.home().resolve("data/scripted/attempts.log")).stream()
                .filter(l -> !l.isBlank()).map(l -> Long.parseLong(l.split(" ")[2])).toList();
        assertTrue(times.size() >= 3, "attempts: " + times);
        assertTrue(times.get(1) - times.get(0) >= 900, "first retry after 1 s: " + times);
        assertTrue(times.get(2) - times.get(1) >= 1900, "then after 2 s: " + times);

        List<String> reports = Await.until("a delay and a failure notice", Duration.ofSeconds(20),
                () -> reports(athena), r -> r.size() == 2);
        String delayed = reports.stream().filter(r -> r.contains("| delayed |")).findFirst().orElseThrow(
                () -> new AssertionError(reports.toString()));
        String failed = reports.stream().filter(r -> r.contains("| failed |")).findFirst().orElseThrow(
                () -> new AssertionError(reports.toString()));
        for (String r : reports) {
            assertTrue(r.contains("type multipart/report delivery-status"), r);
            assertTrue(r.contains("status-part message/delivery-status"), r);
            assertTrue(r.contains("reporting-mta dns; athena"), r);
            assertTrue(r.contains("recipient rfc822; x@scripted.test"), r);
        }
        assertTrue(delayed.contains("| 4.4.7 |"), delayed);
        assertTrue(failed.contains("| 4.4.7 |") && failed.contains("scripted gateway says: try later"), failed);
        assertTrue(failed.contains("original <slow@example.org>"), failed);
    }

    @Test
    void aPermanentFailureBouncesAtOnceWithTheOriginal() throws Exception {
        Instance athena = athena("fail", Map.of());
        athena.admin("queue:submit", message(athena, "doomed").toString(), "alice@example.org", "x@scripted.test")
                .ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        List<String> reports = Await.until("a failure notice", Duration.ofSeconds(20), () -> reports(athena),
                r -> r.size() == 1);
        String r = reports.get(0);
        assertTrue(r.contains("| failed | 5.1.2 |"), r);
        assertTrue(r.contains("scripted gateway says: no such system"), r);
        assertTrue(r.contains("returned message/rfc822"), r);
        assertTrue(r.contains("original <doomed@example.org>"), r);
        assertEquals(1, Files.readAllLines(athena.home().resolve("data/scripted/attempts.log")).size(),
                "a permanent failure is not retried");
    }

    @Test
    void aNullSenderMessageThatFailsIsDroppedWithALogLine() throws Exception {
        Instance athena = athena("fail", Map.of());
        athena.admin("queue:submit", message(athena, "bounce").toString(), "<>", "x@scripted.test").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"), StandardCharsets.UTF_8);
        Await.until("the drop to be logged", Duration.ofSeconds(10),
                () -> Files.readString(athena.home().resolve("data/log/postrider.log")),
                l -> l.contains("dropped FAILED notice"));
        assertTrue(athena.messages(athena.inbox("alice", "example.org")).isEmpty(), "no bounce for a bounce");
        assertTrue(athena.admin("queue:list").ok().out().contains("0 messages"), log.length() + "");
    }

    @Test
    void aListMemberThatFailsIsReportedToTheSenderWhileTheOthersGetTheMessage() throws Exception {
        Instance athena = athena("fail", Map.of());
        athena.admin("dir:user-add", "bob@example.org", "pw").ok();
        athena.admin("dir:list-add", "staff@example.org", "bob@example.org", "x@scripted.test").ok();
        athena.admin("queue:submit", message(athena, "tolist").toString(), "alice@example.org", "staff@example.org")
                .ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertEquals(1, athena.messages(athena.inbox("bob", "example.org")).size(), "the other member has it");
        List<String> reports = Await.until("a failure notice for the member", Duration.ofSeconds(20),
                () -> reports(athena), r -> r.size() == 1);
        String r = reports.get(0);
        assertTrue(r.contains("recipient rfc822; x@scripted.test | failed | 5.1.2 |"), r);
        assertTrue(r.contains("| original rfc822;staff@example.org"), r);
        assertTrue(!r.contains("bob@example.org"), "only the failed member is reported: " + r);
    }

    @Test
    void notifySuccessOnAListGivesOneExpandedNotice() throws Exception {
        Instance athena = athena("deliver", Map.of());
        athena.admin("dir:user-add", "bob@example.org", "pw").ok();
        athena.admin("dir:list-add", "staff@example.org", "bob@example.org", "x@scripted.test").ok();
        String out = Python.run(athena.home(), """
                import smtplib, sys
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.ehlo('client.example')
                print('sent', s.sendmail('alice@example.org', ['staff@example.org'],
                      b'Subject: hi\\r\\nMessage-ID: <exp@example.org>\\r\\n\\r\\nbody\\r\\n',
                      rcpt_options=['NOTIFY=SUCCESS']))
                s.quit()
                """, String.valueOf(athena.listenerPort("smtp"))).ok().out();
        assertTrue(out.contains("sent {}"), out);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        List<String> reports = Await.until("a success notice", Duration.ofSeconds(20), () -> reports(athena),
                r -> r.size() == 1);
        assertTrue(reports.get(0).contains("recipient rfc822; staff@example.org | expanded | 2.0.0"), reports.get(0));
        assertEquals(1, athena.messages(athena.inbox("bob", "example.org")).size());
    }

    @Test
    void aFailureTheForeignSystemReportsLaterBecomesOneNoticeWithTheOriginal() throws Exception {
        // retried within a second: the gateway's reference to NonDeliveryReports may be bound a
        // moment after the gateway itself (SCR breaks the queue-gateway-reports circle that way),
        // and a report it cannot make yet is a retry, as for a real gateway
        Instance athena = athena("relay-then-fail", Map.of("retrySchedule", "1s"));
        String routeOut = athena.admin("gateway:test", "x@scripted.test").ok().out();
        assertTrue(routeOut.contains("directory: not one of our domains"), routeOut);
        assertTrue(routeOut.contains("scripted (SMTP:*@scripted.test cost 1)"), routeOut);
        assertTrue(routeOut.contains("route: <x@scripted.test> gateway:scripted -> scripted (agent bound)"), routeOut);
        assertTrue(athena.admin("gateway:list").ok().out().contains("gateway:scripted         bound"),
                athena.admin("gateway:list").out());
        assertTrue(athena.admin("gateway:spaces").ok().out().matches("(?s)SMTP +cost +1 +\\*@scripted\\.test +scripted\\s*"),
                athena.admin("gateway:spaces").out());

        athena.admin("queue:submit", message(athena, "late").toString(), "alice@example.org", "x@scripted.test").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        List<String> reports = Await.until("the late failure notice", Duration.ofSeconds(20), () -> reports(athena),
                r -> r.size() == 1);
        String r = reports.get(0);
        assertTrue(r.contains("recipient rfc822; x@scripted.test | failed | 5.1.1 |"), r);
        assertTrue(r.contains("scripted system says later: mailbox closed"), r);
        assertTrue(r.contains("original <late@example.org>"), "the original is returned: " + r);
        String track = athena.admin("queue:track", "late@example.org").ok().out();
        assertTrue(track.contains("RELAYED   to=<x@scripted.test> via=gateway:scripted"), track);
        assertEquals(1, reports(athena).size(), "one notice, not one per attempt");
    }
}
