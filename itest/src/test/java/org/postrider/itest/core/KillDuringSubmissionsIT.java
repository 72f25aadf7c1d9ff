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
 * once, and none is delivered twice. The retry schedule is an hour, so the queue empties
 * within the wait only if the recovery itself delivers what it found, not a later retry; how
 * fast it does so is the benchmark's measure, not this test's.
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
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1h"));
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
        athena.awaitQueueEmpty(Duration.ofSeconds(60)); // a message left for the 1 h retry fails this
        long seconds = (System.nanoTime() - ready) / 1_000_000_000L;
        Map<Integer, Integer> seen = stream.delivered(athena.inbox("alice", "example.org"));
        for (int i = 0; i < acknowledged; i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "acknowledged message " + i + " must be delivered exactly once");
        }
        for (Map.Entry<Integer, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "message " + e.getKey() + " delivered twice");
        }
        System.out.println("kill -9 after " + acknowledged + " acknowledgements; " + seen.size() + " delivered, the queue"
                + " empty " + seconds + " s after ready");
    }
}
