package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * The store bundle is replaced in deploy/ while messages stream in and are delivered:
 * deliveries that find no store wait and are retried, and every accepted message ends up
 * in the Maildir exactly once.
 */
class LiveUpdateIT {
    private static final int MESSAGES = 300;

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void updatingTheStoreUnderLoadLosesNothing() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s", "agentWait", "1s"));
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        Path dir = Files.createDirectories(athena.home().resolve("stream"));
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < MESSAGES; i++) {
            Path m = dir.resolve("m" + i + ".eml");
            Files.writeString(m, "From: carol@example.net\r\nMessage-ID: <live-" + i + "@example.net>\r\n\r\n" + i
                    + "\r\n");
            script.append("queue:submit ").append(m).append(" carol@example.net alice@example.org\n");
        }
        Path commands = dir.resolve("commands.txt");
        Files.writeString(commands, script);

        Path jar = athena.home().resolve("deploy/postrider-store-maildir.jar");
        String newVersion = BundleJars.version(jar) + "live";
        Path staged = athena.home().resolve("store-next.jar");
        BundleJars.withVersion(jar, staged, newVersion);

        Process client = new ProcessBuilder("bash", athena.home().resolve("bin/postrider").toString(), "admin")
                .redirectInput(commands.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("queued as ")) {
                    acknowledged++;
                    if (acknowledged == MESSAGES / 3) {
                        Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        assertTrue(client.waitFor(120, TimeUnit.SECONDS));
        assertEquals(MESSAGES, acknowledged, "the queue kept accepting while the store was updated");
        Await.until("the updated store bundle", Duration.ofSeconds(30),
                () -> athena.admin("postrider:contracts").ok().out(), o -> o.contains(newVersion));
        athena.awaitQueueEmpty(Duration.ofSeconds(120));

        Map<Integer, Integer> seen = new HashMap<>();
        Pattern id = Pattern.compile("Message-ID: <live-(\\d+)@example.net>");
        for (Path f : athena.messages(athena.inbox("alice", "example.org"))) {
            Matcher m = id.matcher(Files.readString(f));
            assertTrue(m.find(), f.toString());
            seen.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
        }
        for (int i = 0; i < MESSAGES; i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "message " + i);
        }
    }
}
