package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.SubmissionStream;

/**
 * The store bundle is replaced in deploy/ while messages stream in and are delivered:
 * deliveries that find no store wait and are retried, and every accepted message ends up
 * in the Maildir exactly once.
 */
class LiveUpdateIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void updatingTheStoreUnderLoadLosesNothing() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s", "agentWait", "1s"));
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        SubmissionStream stream = new SubmissionStream(athena, "live", 300, "carol@example.net", "alice@example.org");

        Path jar = athena.home().resolve("deploy/postrider-store-maildir.jar");
        String newVersion = BundleJars.version(jar) + "live";
        Path staged = athena.home().resolve("store-next.jar");
        BundleJars.withVersion(jar, staged, newVersion);

        int acknowledged = stream.run(n -> {
            if (n == stream.count() / 3) {
                try {
                    Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        assertEquals(stream.count(), acknowledged, "the queue kept accepting while the store was updated");
        Await.until("the updated store bundle", Duration.ofSeconds(30),
                () -> athena.admin("postrider:contracts").ok().out(), o -> o.contains(newVersion));
        athena.awaitQueueEmpty(Duration.ofSeconds(120));

        Map<Integer, Integer> seen = stream.delivered(athena.inbox("alice", "example.org"));
        for (int i = 0; i < stream.count(); i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "message " + i);
        }
    }

    /**
     * Mail deferred because the store was away is delivered as soon as the store returns,
     * not at its next retry (an hour away here).
     */
    @Test
    void mailDeferredWhileTheStoreIsAwayGoesAsSoonAsItReturns() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1h", "agentWait", "1h"));
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        Path jar = athena.home().resolve("deploy/postrider-store-maildir.jar");
        Path aside = athena.home().resolve("store-aside.jar");
        Files.move(jar, aside, StandardCopyOption.ATOMIC_MOVE);
        Await.until("the store gone", Duration.ofSeconds(30), () -> athena.admin("postrider:contracts").ok().out(),
                o -> !o.contains("store-maildir"));
        Path msg = athena.home().resolve("m.eml");
        Files.writeString(msg, "Subject: waits for the store\r\n\r\nbody\r\n");
        String id = athena.submit(msg, "carol@example.net", "alice@example.org");
        Await.until("the message deferred for the missing store", Duration.ofSeconds(30),
                () -> athena.admin("queue:show", id).ok().out(), o -> o.contains("4.3.0"));
        Files.move(aside, jar, StandardCopyOption.ATOMIC_MOVE);
        Await.until("the message delivered once the store is back", Duration.ofSeconds(30),
                () -> athena.messages(athena.inbox("alice", "example.org")).size(), n -> n == 1);
        athena.awaitQueueEmpty(Duration.ofSeconds(10));
    }
}
