package org.postrider.itest.core;

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
 * kill -9 in the middle of a stream of submissions, by the admin channel or by SMTP: after
 * a restart every message that was acknowledged (a queue id, a "250") is delivered exactly
 * once, within 10 s of the server saying it is ready, and none is delivered twice.
 */
class KillDuringSubmissionsIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void everyMessageWithAQueueIdIsDeliveredExactlyOnce() throws Exception {
        Instance athena = start();
        killMidStreamAndCheck(athena, new SubmissionStream(athena, "kill", 1000, "carol@example.net",
                "alice@example.org"), 300);
    }

    @Test
    void everyMessageAcceptedWith250OverSmtpIsDeliveredExactlyOnce() throws Exception {
        Instance athena = start();
        killMidStreamAndCheck(athena, new SubmissionStream(athena, "smtpkill", 600, "carol@example.net",
                "alice@example.org").viaSmtp(athena.listenerPort("smtp")), 150);
    }

    private Instance start() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        return athena;
    }

    private static void killMidStreamAndCheck(Instance athena, SubmissionStream stream, int killAfter)
            throws Exception {
        int acknowledged = stream.run(n -> {
            if (n == killAfter) {
                try {
                    athena.kill9();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertTrue(acknowledged >= killAfter && acknowledged < stream.count(),
                "the kill must land mid-stream, acknowledged " + acknowledged);

        athena.start(); // returns once the server says it is ready
        long ready = System.nanoTime();
        athena.awaitQueueEmpty(Duration.ofSeconds(60));
        long seconds = (System.nanoTime() - ready) / 1_000_000_000L;
        assertTrue(seconds <= 10, "every recovered message delivered within 10 s of ready, took " + seconds + " s");
        Map<Integer, Integer> seen = stream.delivered(athena.inbox("alice", "example.org"));
        for (int i = 0; i < acknowledged; i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "acknowledged message " + i + " must be delivered exactly once");
        }
        for (Map.Entry<Integer, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "message " + e.getKey() + " delivered twice");
        }
        System.out.println("kill -9 after " + acknowledged + " acknowledgements; " + seen.size() + " delivered");
    }
}
