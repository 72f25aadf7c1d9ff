package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reply buffer that grows with replies and is dropped while its session waits. */
class ElasticOutputTest {
    @Test
    void passesOnExactlyWhatItIsGivenWhateverTheChunksFlushesAndReleases() throws IOException {
        for (long seed = 1; seed <= 50; seed++) {
            Random r = new Random(seed);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            ElasticOutput out = new ElasticOutput(sink);
            for (int i = 0; i < 300; i++) {
                int kind = r.nextInt(10);
                if (kind == 0) {
                    int b = r.nextInt(256);
                    out.write(b);
                    expected.write(b);
                } else if (kind == 1) {
                    out.flush();
                } else if (kind == 2) {
                    out.release();
                } else {
                    byte[] chunk = new byte[r.nextInt(kind == 9 ? 70_000 : 3_000)];
                    r.nextBytes(chunk);
                    int off = chunk.length == 0 ? 0 : r.nextInt(chunk.length);
                    out.write(chunk, off, chunk.length - off);
                    expected.write(chunk, off, chunk.length - off);
                }
                assertTrue(out.capacity() <= ElasticOutput.LARGE, "seed " + seed + ": " + out.capacity());
            }
            out.flush();
            assertArrayEquals(expected.toByteArray(), sink.toByteArray(), "seed " + seed);
        }
    }

    @Test
    void holdsNoBufferUntilWrittenToAndNoneWhenReleasedEmpty() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ElasticOutput out = new ElasticOutput(sink);
        assertEquals(0, out.capacity());
        out.write(new byte[100], 0, 100);
        assertEquals(ElasticOutput.SMALL, out.capacity(), "a short reply takes the small buffer");
        out.release();
        assertEquals(ElasticOutput.SMALL, out.capacity(), "what is buffered is kept");
        assertEquals(0, sink.size());
        out.flush();
        assertEquals(100, sink.size());
        out.release();
        assertEquals(0, out.capacity());
    }

    @Test
    void growsToTheLargeBufferAndNoFurther() throws IOException {
        CountingSink sink = new CountingSink();
        ElasticOutput out = new ElasticOutput(sink);
        byte[] line = new byte[100];
        for (int i = 0; i < 10_000; i++) {
            out.write(line, 0, line.length);
        }
        out.flush();
        assertEquals(ElasticOutput.LARGE, out.capacity());
        assertEquals(1_000_000, sink.octets);
        assertTrue(sink.writes <= 1_000_000 / (ElasticOutput.LARGE - line.length) + 1,
                "lines are passed on in loads of the large buffer: " + sink.writes + " writes");
    }

    private static final class CountingSink extends java.io.OutputStream {
        long octets;
        int writes;

        @Override
        public void write(int b) {
            octets++;
            writes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            octets += len;
            writes++;
        }
    }
}
