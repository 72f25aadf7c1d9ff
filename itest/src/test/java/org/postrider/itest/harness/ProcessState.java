package org.postrider.itest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether a process has ended, as bin/postrider stop decides it: gone, or a zombie its parent
 * has not reaped yet. A server started by the script is detached, so its parent is PID 1,
 * which here reaps only every second or two; {@link ProcessHandle#isAlive()} and
 * {@code onExit()} wait for that reaping, though a zombie holds no port, file or socket.
 */
public final class ProcessState {
    private ProcessState() {
    }

    public static boolean ended(long pid) {
        List<String> status;
        try {
            status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            if (!Files.exists(Path.of("/proc/" + pid))) {
                return true; // went while we read
            }
            throw new UncheckedIOException(e);
        }
        // a zombie leader whose other threads still run has more than one thread: not ended
        return status.contains("State:\tZ (zombie)") && status.contains("Threads:\t1");
    }

    /** Waits until the process has ended (a killed one ends within a second). */
    public static void awaitEnded(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!ended(pid)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("process " + pid + " has not ended after 60 s");
            }
            Thread.sleep(10);
        }
    }
}
