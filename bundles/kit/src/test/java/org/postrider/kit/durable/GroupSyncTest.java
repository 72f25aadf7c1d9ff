package org.postrider.kit.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GroupSyncTest {
    @Test
    void manyWritersShareFewerSyncsAndAllReturnOnlyAfterOneThatStartedAfterThem() throws Exception {
        AtomicInteger syncs = new AtomicInteger();
        GroupSync g = new GroupSync(() -> {
            syncs.incrementAndGet();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Future<?>> all = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                all.add(pool.submit(() -> {
                    int before = syncs.get();
                    g.sync();
                    assertTrue(syncs.get() > before, "a sync ran after this writer arrived");
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertTrue(syncs.get() < 200, "grouped: " + syncs.get() + " syncs for 200 writers");
    }

    @Test
    void aFailedSyncFailsItsWritersAndTheNextOneSucceeds() throws Exception {
        AtomicBoolean fail = new AtomicBoolean(true);
        GroupSync g = new GroupSync(() -> {
            if (fail.get()) {
                throw new IOException("EIO");
            }
        });
        assertThrows(IOException.class, g::sync);
        fail.set(false);
        g.sync();
        assertEquals(false, fail.get());
    }
}
