package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    /**
     * Administrators' commands racing the delivery threads: flush, retry, hold, release and
     * bounce from four admin sessions at once while attempts run. Afterwards every bounced
     * message has exactly one failure notice, and every other one is still scheduled: it is
     * attempted again on its own, with no command, within a few retry intervals.
     */
    @Test
    void adminCommandsRacingAttemptsStrandNothingAndNotifyOnce() throws Exception {
        Instance athena = athena(Map.of("retrySchedule", "2s", "destinationConcurrency", "4"),
                Map.of("mode", "retry", "delayMillis", "150"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ids.add(queueId(athena.admin("queue:submit", message(athena, "r" + i, "").toString(),
                    "alice@example.org", "x@scripted.test").ok()));
        }
        List<String> bounced = ids.subList(0, 4);
        List<String> kept = ids.subList(4, ids.size());
        ExecutorService admins = Executors.newFixedThreadPool(4);
        List<Future<?>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int worker = t;
            runs.add(admins.submit(() -> {
                StringBuilder script = new StringBuilder();
                for (int round = 0; round < 6; round++) {
                    script.append("queue:flush\n");
                    for (String id : kept) {
                        script.append(switch ((round + worker) % 3) {
                            case 0 -> "queue:retry " + id;
                            case 1 -> "queue:hold " + id;
                            default -> "queue:release " + id;
                        }).append('\n');
                    }
                    if (round == 3) {
                        script.append("queue:bounce ").append(bounced.get(worker)).append('\n');
                    }
                }
                return athena.adminScript(script.toString());
            }));
        }
        for (Future<?> f : runs) {
            f.get(5, TimeUnit.MINUTES);
        }
        admins.shutdown();
        for (String id : kept) {
            athena.admin("queue:release", id).ok();
        }
        // The notices go to alice, local: one each for the four bounced, none for the others.
        Await.until("four failure notices", Duration.ofSeconds(30),
                () -> athena.messages(athena.inbox("alice", "example.org")).size(), n -> n >= 4);
        Thread.sleep(2000); // a second notice would follow the first within the same attempt's end
        List<String> notices = new ArrayList<>();
        for (Path p : athena.messages(athena.inbox("alice", "example.org"))) {
            notices.add(Files.readString(p));
        }
        assertEquals(4, notices.size(), "one notice per bounced message");
        for (String id : bounced) {
            assertEquals(1, notices.stream().filter(n -> n.contains("X-Postrider-Queue-ID: " + id)).count(), id);
        }
        String list = athena.admin("queue:list").ok().out();
        assertTrue(list.contains(kept.size() + " messages") && !list.contains("HELD"), list);
        // No command from here on: every kept message must come round again by itself.
        long mark = System.currentTimeMillis();
        Await.until("every kept message attempted again with no command", Duration.ofSeconds(40), () -> {
            List<String> lines = Files.readAllLines(athena.home().resolve("data/scripted/attempts.log"));
            return kept.stream().allMatch(id -> lines.stream().anyMatch(
                    l -> l.startsWith(id + " ") && Long.parseLong(l.split(" ")[2]) > mark));
        }, ok -> ok);
    }
}
