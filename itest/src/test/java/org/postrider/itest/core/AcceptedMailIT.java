package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * Acknowledged mail never strands: every envelope that gets "250" is delivered (or bounced),
 * and a spool file the queue cannot read is held and shown, never silently ignored.
 */
class AcceptedMailIT {
    @RegisterExtension
    final Instances instances = new Instances();

    private static long spoolFiles(Instance i) throws Exception {
        try (Stream<Path> s = Files.list(i.home().resolve("data/spool/queue"))) {
            return s.count();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String lastMessage(Instance i, String local) throws Exception {
        List<Path> files = i.messages(i.inbox(local, "example.org"));
        return Files.readString(files.get(files.size() - 1), StandardCharsets.UTF_8);
    }

    @Test
    void quotedLocalPartsWithSpacesAndDsnParametersAreDeliveredAndSurviveARestart() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        int mx = athena.listenerPort("smtp");
        String out = Python.run(athena.home(), """
                import smtplib, sys
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.ehlo('client.example')
                body = b'Return-Path: <forged@example.net>\\r\\nFrom: "john doe"@example.net\\r\\nSubject: quoted\\r\\nMessage-ID: <q1@example.net>\\r\\n\\r\\nhello\\r\\n'
                print('first', s.sendmail('"john doe"@example.net', ['alice@example.org'], body,
                      mail_options=['RET=HDRS', 'ENVID=a+20b+2Bc'],
                      rcpt_options=['NOTIFY=FAILURE,DELAY', 'ORCPT=rfc822;alice+2Bx@example.org']))
                print('second', s.sendmail('"a\\\\"b c"@example.net', ['alice@example.org'],
                      body.replace(b'q1', b'q2')))
                s.quit()
                """, String.valueOf(mx)).ok().out();
        assertTrue(out.contains("first {}") && out.contains("second {}"), out);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertEquals(0, spoolFiles(athena), "nothing left behind in the spool");
        assertEquals(2, athena.messages(athena.inbox("alice", "example.org")).size());
        String both = String.join("\n", athena.messages(athena.inbox("alice", "example.org")).stream()
                .map(AcceptedMailIT::read).toList());
        assertTrue(both.contains("Return-Path: <\"a\\\"b c\"@example.net>\r\n")
                && both.contains("Return-Path: <\"john doe\"@example.net>\r\n"), both);
        assertFalse(both.contains("forged@example.net"), "a Return-Path the message brought is dropped: " + both);
        athena.stop();
        athena.start();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertEquals(2, athena.messages(athena.inbox("alice", "example.org")).size(), "delivered once each");
        assertFalse(athena.logs().contains("could not be scheduled"), "no message left unscheduled");
    }

    @Test
    void aDamagedSpoolFileIsHeldAndListedWithItsReasonUntilRepairedOrDeleted() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        athena.stop();
        Path queue = athena.home().resolve("data/spool/queue");
        Files.writeString(queue.resolve("BROKEN1.msg"), "POSTRIDER-SPOOL 2\nsender \"john doe\"@example.net\n\n"
                + "Subject: x\r\n\r\nbody\r\n");
        Files.writeString(queue.resolve("BROKEN2.msg"), "not a spool file at all");
        athena.start();
        String list = athena.admin("queue:list").ok().out();
        assertTrue(list.matches("(?s).*BROKEN1 +HELD +unreadable: .*sender.*"), list);
        assertTrue(list.matches("(?s).*BROKEN2 +HELD +unreadable: .*"), list);
        assertTrue(list.contains("2 messages"), list);
        assertTrue(athena.admin("queue:stats").ok().out().contains("unreadable: 2\n"));
        var show = athena.admin("queue:show", "BROKEN1");
        assertTrue(show.exit() != 0 && (show.out() + show.err()).contains("unreadable"), show.toString());

        // still damaged: release says so and keeps it
        assertTrue(athena.admin("queue:release", "BROKEN1").ok().out().contains("still unreadable"));
        // repaired by the administrator: released, read again and delivered
        Files.writeString(queue.resolve("BROKEN1.msg"), "POSTRIDER-SPOOL 2\nsender .\nbody SEVEN_BIT\n"
                + "origin admin . . . 2026-11-29T20:00:00Z\nrcpt alice%40example%2Eorg . .\n\n"
                + "Subject: repaired\r\n\r\nbody\r\n");
        assertTrue(athena.admin("queue:release", "BROKEN1").ok().out().contains("scheduled"));
        Await.until("the repaired message in alice's INBOX", Duration.ofSeconds(20),
                () -> athena.messages(athena.inbox("alice", "example.org")).size(), n -> n == 1);
        assertTrue(lastMessage(athena, "alice").contains("Subject: repaired"));
        athena.admin("queue:delete", "BROKEN2").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertEquals(0, spoolFiles(athena));
    }
}
