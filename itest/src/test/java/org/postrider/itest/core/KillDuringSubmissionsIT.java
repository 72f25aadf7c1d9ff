package org.postrider.itest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * kill -9 in the middle of a stream of 1,000 submissions: after a restart every message
 * that got a queue id is delivered exactly once, and none is delivered twice.
 */
class KillDuringSubmissionsIT {
    private static final int MESSAGES = 1000;
    private static final int KILL_AFTER = 300;

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void everyAcknowledgedMessageIsDeliveredExactlyOnce() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        Path dir = Files.createDirectories(athena.home().resolve("stream"));
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < MESSAGES; i++) {
            Path m = dir.resolve("m" + i + ".eml");
            Files.writeString(m, "From: carol@example.net\r\nTo: alice@example.org\r\nMessage-ID: <kill-" + i
                    + "@example.net>\r\nSubject: " + i + "\r\n\r\nmessage " + i + "\r\n");
            script.append("queue:submit ").append(m).append(" carol@example.net alice@example.org\n");
        }
        Path commands = dir.resolve("commands.txt");
        Files.writeString(commands, script);

        // One admin client runs the commands in turn; each "queued as" is an acknowledgement.
        Process client = new ProcessBuilder("bash", athena.home().resolve("bin/postrider").toString(), "admin")
                .redirectInput(commands.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("queued as ")) {
                    acknowledged++;
                    if (acknowledged == KILL_AFTER) {
                        athena.kill9();
                    }
                }
            }
        }
        assertTrue(client.waitFor(120, TimeUnit.SECONDS));
        assertTrue(acknowledged >= KILL_AFTER && acknowledged < MESSAGES,
                "the kill must land mid-stream, acknowledged " + acknowledged);

        athena.start();
        athena.awaitQueueEmpty(Duration.ofSeconds(120));
        Map<Integer, Integer> seen = new HashMap<>();
        Pattern id = Pattern.compile("Message-ID: <kill-(\\d+)@example.net>");
        List<Path> files = athena.messages(athena.inbox("alice", "example.org"));
        for (Path f : files) {
            Matcher m = id.matcher(Files.readString(f));
            assertTrue(m.find(), f.toString());
            seen.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
        }
        for (int i = 0; i < acknowledged; i++) {
            assertEquals(1, seen.getOrDefault(i, 0), "acknowledged message " + i + " must be delivered exactly once");
        }
        for (Map.Entry<Integer, Integer> e : seen.entrySet()) {
            assertEquals(1, e.getValue(), "message " + e.getKey() + " delivered twice");
        }
        System.out.println("kill -9 after " + acknowledged + " acknowledgements; " + seen.size() + " delivered");
    }
}
