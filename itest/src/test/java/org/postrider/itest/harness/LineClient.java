package org.postrider.itest.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client process (a load script) whose stdout lines reach a consumer as they come, while the
 * test goes on; {@link #await} then says whether it ended well.
 */
public final class LineClient {
    private final Process process;
    private final Thread reader;
    private final Path stderr;
    private volatile IOException readFailure;

    public LineClient(ProcessBuilder pb, Path stderr, Consumer<String> onLine) throws IOException {
        this.stderr = stderr;
        this.process = pb.redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        this.reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                    onLine.accept(l);
                }
            } catch (IOException e) {
                readFailure = e;
            }
        });
    }

    /** Waits for the process to end and its output to be read: null if it ended well, else what went wrong. */
    public String await(Duration timeout) throws Exception {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return "did not end within " + timeout;
        }
        reader.join(timeout.toMillis());
        if (reader.isAlive()) {
            return "its output was not read to the end within " + timeout;
        }
        if (readFailure != null) {
            return "reading its output failed: " + readFailure;
        }
        return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + Files.readString(stderr);
    }
}
