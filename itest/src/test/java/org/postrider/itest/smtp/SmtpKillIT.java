package org.postrider.itest.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.SubmissionStream;

/**
 * "250" means on disk: a stream of messages through one SMTP session, the server killed
 * with SIGKILL mid-stream, restarted; every message the client saw accepted is delivered,
 * exactly once, and none twice.
 */
class SmtpKillIT {
    private static final int KILL_AFTER = 150;

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void everyMessageAcceptedWith250SurvivesAKill9() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        SubmissionStream stream = new SubmissionStream(athena, "smtpkill", 600, "carol@example.net",
                "alice@example.org").viaSmtp(athena.listenerPort("smtp"));

        int acknowledged = stream.run(n -> {
            if (n == KILL_AFTER) {
                try {
                    athena.kill9();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertTrue(acknowledged >= KILL_AFTER && acknowledged < stream.count(),
                "the kill must land mid-stream, acknowledged " + acknowledged);

        athena.start();
        athena.awaitQueueEmpty(Duration.ofSeconds(120));
        Map<Integer, Integer> seen = stream.delivered(athena.inbox("alice", "example.org"));
        for (int i = 0; i < acknowledged; i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "message " + i + " got its 250 and must be delivered once");
        }
        for (Map.Entry<Integer, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "message " + e.getKey() + " delivered twice");
        }
        System.out.println("smtp: kill -9 after " + acknowledged + " acceptances; " + seen.size() + " delivered");
    }
}
