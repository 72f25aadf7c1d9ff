package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;
import org.postrider.itest.harness.ScriptedGateway;

/** {@code queue:track} follows a message by its Message-ID through this server's journal, across a restart. */
class MessageTrackingIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void aMessageIsTrackedFromAcceptanceToTheMailboxAndStillAfterARestart() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        athena.admin("dir:user-add", "bob@example.org", "pw").ok();
        send(athena, "t1@example.net", "alice@example.org", "bob@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(20));

        String first = athena.admin("queue:track", "<t1@example.net>").ok().out();
        assertOrder(first, "ACCEPTED +proto=ESMTP from=127\\.0\\.0\\.1 +from=<carol@example\\.net> nrcpt=2",
                "DELIVERED to=<alice@example\\.org> via=local", "REMOVED");
        assertTrue(first.contains("DELIVERED to=<bob@example.org> via=local"), first);
        assertTrue(athena.admin("queue:track", "t2@example.net").ok().out().contains("no events"),
                "a message never seen has no events");

        athena.stop();
        athena.start();
        send(athena, "t2@example.net", "alice@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String after = athena.admin("queue:track", "t1@example.net").ok().out();
        assertTrue(after.contains("DELIVERED to=<alice@example.org>"), "the journal outlives a restart: " + after);
        String second = athena.admin("queue:track", "t2@example.net").ok().out();
        assertOrder(second, "ACCEPTED", "DELIVERED to=<alice@example\\.org>", "REMOVED");
        assertTrue(!second.contains("t1") && !second.contains("bob@"), "only that message's events: " + second);
    }

    /**
     * The journal is not what keeps mail: a power cut may lose its last lines. A message still
     * queued at the restart has its Message-ID read back from the spool, so what happens to it
     * afterwards is found by that id even though its ACCEPTED line is gone.
     */
    @Test
    void aMessageWhoseAcceptanceLineWasLostIsStillTrackedAfterTheRestart() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1h"));
        ScriptedGateway.install(athena, Map.of("mode", "retry"));
        athena.start();
        ScriptedGateway.awaitBound(athena);
        Path eml = athena.home().resolve("kept.eml");
        Files.writeString(eml, "From: alice@example.org\r\nMessage-ID: <kept@example.org>\r\n\r\nbody\r\n");
        athena.admin("queue:submit", eml.toString(), "alice@example.org", "x@scripted.test").ok();
        Await.until("the message to be deferred", Duration.ofSeconds(20), () -> athena.admin("queue:list").ok().out(),
                o -> o.contains("4.4.1"));
        athena.stop();
        try (Stream<Path> days = Files.list(athena.home().resolve("data/track"))) {
            for (Path day : days.toList()) {
                Files.delete(day); // the lines of that day never reached the disk
            }
        }
        athena.config("org.postrider.testing.scripted", Map.of("mode", "deliver"));
        athena.start();
        ScriptedGateway.awaitBound(athena);
        athena.admin("queue:flush").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String out = athena.admin("queue:track", "kept@example.org").ok().out();
        assertOrder(out, "(RELAYED|DELIVERED) +to=<x@scripted\\.test>", "REMOVED");
    }

    private static void send(Instance i, String messageId, String... to) throws Exception {
        Python.run(i.home(), """
                import smtplib, sys
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.ehlo('client.example')
                body = ('From: carol@example.net\\r\\nSubject: tracked\\r\\nMessage-ID:\\r\\n <%s>\\r\\n\\r\\nhello\\r\\n' % sys.argv[2]).encode()
                s.sendmail('carol@example.net', sys.argv[3:], body)
                s.quit()
                """, concat(String.valueOf(i.listenerPort("smtp")), messageId, to)).ok();
    }

    private static String[] concat(String port, String id, String... to) {
        String[] all = new String[to.length + 2];
        all[0] = port;
        all[1] = id;
        System.arraycopy(to, 0, all, 2, to.length);
        return all;
    }

    /** Each pattern matches a line, in this order. */
    private static void assertOrder(String out, String... patterns) {
        List<String> lines = out.lines().toList();
        int at = 0;
        for (String p : patterns) {
            Pattern re = Pattern.compile(p);
            while (at < lines.size() && !re.matcher(lines.get(at)).find()) {
                at++;
            }
            assertTrue(at < lines.size(), "no line matching '" + p + "' in order in:\n" + out);
            at++;
        }
    }
}
