package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The structure cache's records, read one at a time and through a reader's read-ahead buffer, alike. */
class StructureCacheTest {
    @TempDir
    Path dir;

    @Test
    void aReaderReadsEveryRecordAsReadDoesInAnyOrder() throws Exception {
        StructureCache cache = new StructureCache(dir);
        assertNull(cache.reader(), "no cache file yet");
        Random r = new Random(3);
        int n = 300;
        long[] pos = new long[n];
        byte[][] data = new byte[n][];
        for (int i = 0; i < n; i++) {
            // mostly small records, some past the reader's buffer, some across its edge
            int len = i % 50 == 7 ? StructureCache.Reader.WINDOW + r.nextInt(5000) : r.nextInt(3000);
            data[i] = new byte[len];
            r.nextBytes(data[i]);
            pos[i] = cache.append(i + 1, data[i]);
        }
        try (StructureCache.Reader reader = cache.reader()) {
            for (int k = 0; k < 3 * n; k++) {
                int i = k < n ? k : r.nextInt(n); // in order first, then anywhere
                assertTrue(reader.read(pos[i], i + 1), "record " + i);
                assertArrayEquals(data[i],
                        Arrays.copyOfRange(reader.data, reader.offset, reader.offset + reader.length));
                assertArrayEquals(data[i], cache.read(pos[i], i + 1));
            }
            assertFalse(reader.read(pos[5], 7), "another UID's record");
            assertFalse(reader.read(pos[5] + 1, 6), "not where a record starts");
            assertFalse(reader.read(1L << 40, 6), "past the end");
        }
    }

    @Test
    void aDamagedRecordIsRefusedAndADeletedCacheStaysReadableThroughAnOpenReader() throws Exception {
        StructureCache cache = new StructureCache(dir);
        long a = cache.append(1, new byte[] {1, 2, 3});
        long b = cache.append(2, new byte[] {4, 5, 6});
        try (RandomAccessFile f = new RandomAccessFile(cache.path().toFile(), "rw")) {
            f.seek(b + 14);
            f.write(9); // the checksum no longer holds
        }
        StructureCache.Reader reader = cache.reader();
        try (reader) {
            assertFalse(reader.read(b, 2));
            cache.delete(); // a compaction of the cache while a search reads it
            assertTrue(reader.read(a, 1), "the records it opened stay as they were");
            assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(reader.data, reader.offset, reader.offset + 3));
        }
    }
}
