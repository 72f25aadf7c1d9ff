package org.postrider.kit.durable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesContentAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("state");
        DurableFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
        DurableFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
        assertEquals("two", Files.readString(f));
        try (var list = Files.list(dir)) {
            assertEquals(List.of(f), list.toList());
        }
    }

    @Test
    void aFailingWriterLeavesTheOldContent() throws IOException {
        Path f = dir.resolve("state");
        DurableFiles.write(f, "kept".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> DurableFiles.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("kept", Files.readString(f));
        try (var list = Files.list(dir)) {
            assertEquals(1, list.count(), "temporary file left behind");
        }
    }

    @Test
    void groupSyncServesManyConcurrentWriters() throws Exception {
        GroupSync sync = new GroupSync(dir);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                all.add(pool.submit(() -> {
                    Path tmp = dir.resolve(".f" + n + ".tmp");
                    Files.writeString(tmp, "x" + n);
                    DurableFiles.move(tmp, dir.resolve("f" + n));
                    sync.sync();
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        for (int i = 0; i < 200; i++) {
            assertArrayEquals(("x" + i).getBytes(StandardCharsets.UTF_8), Files.readAllBytes(dir.resolve("f" + i)));
        }
    }

    @Test
    void groupSyncReportsAFailureToItsWaiters() {
        GroupSync sync = new GroupSync(dir.resolve("missing"));
        assertThrows(IOException.class, sync::sync);
    }

    @Test
    void secretsAreCreatedOwnerOnlyAndStaleTemporariesAreRemoved() throws IOException {
        Path secret = dir.resolve("secret");
        DurableFiles.writeOwnerOnly(secret, out -> out.write(1));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(secret)));
        Path stale = DurableFiles.tempSibling(dir.resolve("state"));
        Files.writeString(stale, "half-written before a crash");
        Path kept = dir.resolve("data.tmp"); // not one of ours: no leading dot
        Files.writeString(kept, "x");
        assertEquals(1, DurableFiles.removeStaleTemporaries(dir));
        assertEquals(false, Files.exists(stale));
        assertEquals(true, Files.exists(kept));
    }
}
