package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A message file is opened only as a regular file, and an open a FIFO swapped in blocks is let go. */
class RegularFilesTest {
    @TempDir
    Path dir;
    Path fifo;

    @AfterEach
    void close() throws Exception {
        MaildirFolder.step = MaildirFolder.Step.NONE;
        if (fifo != null && Files.exists(fifo)) { // an open the test left waiting (on the code before) is let go
            FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
        }
    }

    @Test
    void aRegularFileIsOpenedALinkOrAFifoIsNot() throws Exception {
        Path file = Files.write(dir.resolve("m"), new byte[] {1, 2, 3});
        try (FileChannel ch = RegularFiles.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, ch.read(b));
            assertArrayEquals(new byte[] {1, 2, 3}, b.array());
        }
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertThrows(NotRegularFileException.class, () -> RegularFiles.open(link));
        fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(NotRegularFileException.class, () -> RegularFiles.open(fifo)));
    }

    @Test
    void opensDoNotWakeTheWatchThreadEach() throws Exception {
        Path file = Files.write(dir.resolve("m"), new byte[] {1, 2, 3});
        RegularFiles.open(file).close(); // the watch thread is made
        long before = watchWakeUps();
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            RegularFiles.open(file).close();
        }
        long sweeps = (System.nanoTime() - start) / 1_000_000 / RegularFiles.SWEEP_MILLIS;
        // the sweeps while opens were under way, and a few more; a watch scheduled and
        // cancelled an open woke the thread about once an open
        long woken = watchWakeUps() - before;
        assertTrue(woken <= 5 + 2 * (sweeps + 1), woken + " wake-ups of the watch thread for 1000 opens in " + sweeps
                + " sweep periods");
    }

    /** Voluntary context switches of the watch threads (Linux /proc): one, or an old one ending beside a new one. */
    private static long watchWakeUps() throws java.io.IOException {
        long switches = 0;
        boolean found = false;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    if (!Files.readString(t.resolve("comm")).strip().equals("postrider-fifo-")) { // 15 characters kept
                        continue;
                    }
                    for (String line : Files.readAllLines(t.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                            found = true;
                        }
                    }
                } catch (java.nio.file.NoSuchFileException ended) { // a thread of the JVM's that ended meanwhile
                }
            }
        }
        if (!found) {
            throw new AssertionError("no watch thread");
        }
        return switches;
    }

    @Test
    void anInterruptedOpenOfARegularFileFailsAsInterruptedNotAsNotARegularFile() throws Exception {
        Path file = Files.write(dir.resolve("m"), new byte[] {1, 2, 3});
        Thread.currentThread().interrupt(); // a session's thread interrupted (shutdown) as it opens a message
        try {
            assertThrows(java.nio.channels.ClosedByInterruptException.class, () -> RegularFiles.open(file).close());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anOpenThatAFifoPutInTheFilesPlaceAfterItsCheckBlocksIsLetGoAndFailsAsNotARegularFile() throws Exception {
        Path file = Files.write(dir.resolve("m"), new byte[] {1, 2, 3});
        fifo = file;
        MaildirFolder.step = s -> {
            if (s.equals("file-checked")) { // another program puts a FIFO in the name's place
                Files.delete(file);
                try {
                    assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).inheritIO().start().waitFor());
                } catch (InterruptedException e) {
                    throw new java.io.IOException(e);
                }
            }
        };
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(NotRegularFileException.class, () -> RegularFiles.open(file)),
                "the open is let go (it waited for good on the code before)");
    }
}
