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
 * kill -9 in the middle of a stream of 1,000 submissions: after a restart every message
 * that got a queue id is delivered exactly once, and none is delivered twice.
 */
class KillDuringSubmissionsIT {
    private static final int KILL_AFTER = 300;

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void everyAcknowledgedMessageIsDeliveredExactlyOnce() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        SubmissionStream stream = new SubmissionStream(athena, "kill", 1000, "carol@example.net", "alice@example.org");

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
            assertEquals(1, seen.getOrDefault(i, 0), "acknowledged message " + i + " must be delivered exactly once");
        }
        for (Map.Entry<Integer, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "message " + e.getKey() + " delivered twice");
        }
        System.out.println("kill -9 after " + acknowledged + " acknowledgements; " + seen.size() + " delivered");
    }
}
