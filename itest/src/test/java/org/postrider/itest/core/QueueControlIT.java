package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.ScriptedGateway;

/** Concurrency limits, the administrator's queue controls, and loop detection. */
class QueueControlIT {
    @RegisterExtension
    final Instances instances = new Instances();

    private Instance athena(Map<String, String> queue, Map<String, String> gateway) throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", queue);
        ScriptedGateway.install(athena, gateway);
        athena.start();
        ScriptedGateway.awaitBound(athena);
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        return athena;
    }

    private static Path message(Instance i, String name, String headers) throws Exception {
        Path p = i.home().resolve(name + ".eml");
        Files.writeString(p, headers + "From: alice@example.org\r\nMessage-ID: <" + name + "@example.org>\r\n\r\nbody\r\n");
        return p;
    }

    private static String queueId(Exec.Result r) {
        Matcher m = Pattern.compile("queued as (\\w+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        return m.group(1);
    }

    @Test
    void oneDestinationNeverGetsMoreThanItsConcurrencyLimit() throws Exception {
        Instance athena = athena(Map.of("destinationConcurrency", "2"), Map.of("delayMillis", "400"));
        for (int i = 0; i < 8; i++) {
            athena.admin("queue:submit", message(athena, "c" + i, "").toString(), "alice@example.org",
                    "x@scripted.test").ok();
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(60));
        int peak = Integer.parseInt(Files.readString(athena.home().resolve("data/scripted/peak-concurrency")).trim());
        assertTrue(peak >= 1 && peak <= 2, "8 messages in flight to one destination, at most 2 at a time: " + peak);
        try (var out = Files.list(athena.home().resolve("data/scripted"))) {
            assertEquals(8, out.filter(p -> p.toString().endsWith(".eml")).count());
        }
    }

    @Test
    void holdReleaseBounceAndDelete() throws Exception {
        Instance athena = athena(Map.of("retrySchedule", "1h"), Map.of("mode", "retry"));
        String held = queueId(athena.admin("queue:submit", message(athena, "held", "").toString(),
                "alice@example.org", "x@scripted.test").ok());
        String gone = queueId(athena.admin("queue:submit", message(athena, "gone", "").toString(),
                "alice@example.org", "x@scripted.test").ok());
        Await.until("both to be deferred", Duration.ofSeconds(20), () -> athena.admin("queue:list").ok().out(),
                o -> o.contains("2 messages") && o.split("4.4.1", -1).length == 3);

        athena.admin("queue:hold", held).ok();
        assertTrue(athena.admin("queue:show", held).ok().out().contains("(held)"));
        assertTrue(athena.admin("queue:list", "HELD").ok().out().contains(held));
        athena.admin("queue:release", held).ok();
        assertTrue(!athena.admin("queue:show", held).ok().out().contains("(held)"));

        athena.admin("queue:bounce", held).ok();
        athena.admin("queue:delete", gone).ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String dsn = Files.readString(athena.messages(athena.inbox("alice", "example.org")).get(0));
        assertTrue(dsn.contains("returned to sender by the administrator"), dsn);
        assertEquals(1, athena.messages(athena.inbox("alice", "example.org")).size(), "delete sends no notice");
        Exec.Result missing = athena.admin("queue:show", gone);
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("no message"), missing.err());
    }

    @Test
    void loopsAreCaughtByHopCountAndByDeliveredTo() throws Exception {
        Instance athena = athena(Map.of("maxHops", "5"), Map.of());
        Exec.Result hops = athena.admin("queue:submit",
                message(athena, "hops", "Received: from a by b; now\r\n".repeat(6)).toString(), "alice@example.org",
                "alice@example.org");
        assertEquals(1, hops.exit());
        assertTrue(hops.err().contains("5.4.6"), hops.err());

        athena.admin("dir:user-add", "bob@example.org", "pw").ok();
        athena.admin("queue:submit", message(athena, "looped", "Delivered-To: bob@example.org\r\n").toString(),
                "alice@example.org", "bob@example.org").ok();
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        assertTrue(athena.messages(athena.inbox("bob", "example.org")).isEmpty(), "the looping copy is not stored");
        String dsn = Files.readString(athena.messages(athena.inbox("alice", "example.org")).get(0));
        assertTrue(dsn.contains("Status: 5.4.6") && dsn.contains("mail forwarding loop"), dsn);
    }
}
