package org.postrider.itest.harness;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stream of numbered messages submitted through one {@code bin/postrider admin} client
 * (one queue:submit a line), for crash and update tests, and the count of each message
 * found in a Maildir afterwards (by its Message-ID).
 */
public final class SubmissionStream {
    private final Instance instance;
    private final String tag;
    private final int count;
    private final Path commands;

    public SubmissionStream(Instance instance, String tag, int count, String sender, String recipient)
            throws Exception {
        this.instance = instance;
        this.tag = tag;
        this.count = count;
        Path dir = Files.createDirectories(instance.home().resolve("stream-" + tag));
        StringBuilder script = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Path m = dir.resolve("m" + i + ".eml");
            Files.writeString(m, "From: " + sender + "\r\nTo: " + recipient + "\r\nMessage-ID: <" + tag + "-" + i
                    + "@example.net>\r\nSubject: " + i + "\r\n\r\nmessage " + i + "\r\n");
            script.append("queue:submit ").append(m).append(' ').append(sender).append(' ').append(recipient)
                    .append('\n');
        }
        this.commands = dir.resolve("commands.txt");
        Files.writeString(commands, script);
    }

    /** Runs the stream; {@code onAck} sees the running count of "queued as" answers. Returns the total. */
    public int run(IntConsumer onAck) throws Exception {
        Process client = new ProcessBuilder("bash", instance.home().resolve("bin/postrider").toString(), "admin")
                .redirectInput(commands.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("queued as ")) {
                    onAck.accept(++acknowledged);
                }
            }
        }
        if (!client.waitFor(120, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new AssertionError("the admin client did not finish");
        }
        return acknowledged;
    }

    /** How many times each message number of this stream is in the Maildir. */
    public Map<Integer, Integer> delivered(Path maildir) throws Exception {
        Map<Integer, Integer> seen = new HashMap<>();
        Pattern id = Pattern.compile("Message-ID: <" + Pattern.quote(tag) + "-(\\d+)@example.net>");
        for (Path f : instance.messages(maildir)) {
            Matcher m = id.matcher(Files.readString(f));
            if (m.find()) {
                seen.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
            }
        }
        return seen;
    }

    public int count() {
        return count;
    }
}
