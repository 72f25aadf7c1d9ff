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
 * (one queue:submit a line), or through one SMTP session of Python's smtplib, for crash
 * and update tests, and the count of each message found in a Maildir afterwards (by its
 * Message-ID).
 */
public final class SubmissionStream {
    private final Instance instance;
    private final String tag;
    private final int count;
    private final Path commands;
    private final Path dir;
    private final String sender;
    private final String recipient;
    private int smtpPort = -1;

    public SubmissionStream(Instance instance, String tag, int count, String sender, String recipient)
            throws Exception {
        this.instance = instance;
        this.tag = tag;
        this.count = count;
        this.sender = sender;
        this.recipient = recipient;
        this.dir = Files.createDirectories(instance.home().resolve("stream-" + tag));
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

    /** Sends the messages by SMTP to this port instead, in one session, each after the 250 of the last. */
    public SubmissionStream viaSmtp(int port) {
        this.smtpPort = port;
        return this;
    }

    private Process client() throws Exception {
        if (smtpPort < 0) {
            return new ProcessBuilder("bash", instance.home().resolve("bin/postrider").toString(), "admin")
                    .redirectInput(commands.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        }
        Path script = dir.resolve("smtp-stream.py");
        Files.writeString(script, """
                import smtplib, sys
                port, d, n, sender, rcpt = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
                s = smtplib.SMTP('127.0.0.1', port)
                for i in range(n):
                    with open('%s/m%d.eml' % (d, i), 'rb') as f:
                        s.sendmail(sender, [rcpt], f.read())
                    print('queued as', i, flush=True)
                s.quit()
                """);
        return new ProcessBuilder("python3", script.toString(), String.valueOf(smtpPort), dir.toString(),
                String.valueOf(count), sender, recipient).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Runs the stream; {@code onAck} sees the running count of "queued as" answers. Returns the total. */
    public int run(IntConsumer onAck) throws Exception {
        Process client = client();
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
