package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.MessageStructure;

/**
 * What a parse costs: work linear in the message whatever its nesting, memory bounded
 * whatever its size. Measured on this thread (allocated bytes, CPU time), best of several
 * runs, as ratios with wide margins: the failures they catch are orders of magnitude.
 */
class StructureParserCostTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void deepNestingCostsAboutWhatTheSameOctetsCostFlat() throws IOException {
        byte[] deep = Nested.of(5000).bytes;
        // the same octets, but the outermost entity is text: no boundary is ever looked for
        byte[] flat = deep.clone();
        byte[] text = "Content-Type: text/plain;      boundary=b0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, flat, 0, text.length);
        assertTrue(StructureParser.parse(new ByteArrayInputStream(deep)).truncated());
        assertFalse(StructureParser.parse(new ByteArrayInputStream(flat)).truncated());

        long[] deepCost = cost(deep);
        long[] flatCost = cost(flat);
        assertTrue(deepCost[0] <= 8 * flatCost[0] + 2_000_000,
                "CPU ns deep " + deepCost[0] + " flat " + flatCost[0]); // O(depth x size) would be hundreds of times
        assertTrue(deepCost[1] <= flatCost[1] + (1 << 20), "allocated deep " + deepCost[1] + " flat " + flatCost[1]);
    }

    @Test
    void openBoundariesAlikeInTheirFirst190OctetsDoNotMultiplyTheWork() throws IOException {
        // lines that match every open boundary up to its last octet: 31 open boundaries must
        // cost about what one does, not 31 comparisons of 190 octets a line
        String prefix = "x".repeat(190) + "#";
        String lines = ("--" + prefix + "z\r\n").repeat(20_000);
        byte[] many = alike(prefix, 31, lines);
        byte[] one = alike(prefix, 1, lines);
        assertEquals(32, StructureParserTest.depthOf(StructureParser.parse(new ByteArrayInputStream(many)).body()));
        assertEquals(2, StructureParserTest.depthOf(StructureParser.parse(new ByteArrayInputStream(one)).body()));

        long[] manyCost = cost(many);
        long[] oneCost = cost(one);
        assertTrue(manyCost[0] <= 3 * oneCost[0] + 2_000_000, "CPU ns with 31 open " + manyCost[0] + ", with 1 " + oneCost[0]);
    }

    /** {@code levels} multiparts nested, with boundaries {@code prefix} and their level, around a text part of {@code lines}. */
    private static byte[] alike(String prefix, int levels, String lines) {
        StringBuilder m = new StringBuilder();
        for (int k = 0; k < levels; k++) {
            m.append("Content-Type: multipart/mixed; boundary=\"").append(prefix).append(k).append("\"\r\n\r\n--")
                    .append(prefix).append(k).append("\r\n");
        }
        m.append("Content-Type: text/plain\r\n\r\n").append(lines);
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void allocationDoesNotGrowWithNestingPastTheBound() throws IOException {
        long[] d5 = cost(Nested.of(5000).bytes);
        long[] d20 = cost(Nested.of(20000).bytes);
        assertTrue(d20[1] <= d5[1] + (256 << 10), "allocated at 20000 deep " + d20[1] + ", at 5000 " + d5[1]);
    }

    @Test
    void aGigabyteLineIsReadInBoundedMemory() throws IOException {
        byte[] head = "Content-Type: text/plain\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long size = 1L << 30;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        MessageStructure s = StructureParser.parse(new Generated(head, size, (byte) 'a'));
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertEquals(head.length, s.body().bodyOffset());
        assertEquals(head.length + size, s.body().endOffset());
        assertEquals(1, s.body().lines());
        assertTrue(allocated < (4 << 20), "allocated " + allocated + " for a 1 GiB line");
    }

    @Test
    void aHugeHeaderFieldIsSkippedInBoundedMemory() throws IOException {
        byte[] head = "Subject: ".getBytes(StandardCharsets.US_ASCII);
        long size = 256L << 20;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        MessageStructure s = StructureParser.parse(new Generated(head, size, (byte) 'x'));
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        assertTrue(s.truncated());
        assertTrue(s.headers().isEmpty());
        assertEquals(head.length + size, s.body().endOffset());
        assertTrue(allocated < (4 << 20), "allocated " + allocated + " for a 256 MiB header line");
    }

    /** Best (least) CPU time and allocation of five parses, after a warm-up. */
    private static long[] cost(byte[] message) throws IOException {
        for (int i = 0; i < 5; i++) {
            StructureParser.parse(new ByteArrayInputStream(message));
        }
        long cpu = Long.MAX_VALUE;
        long alloc = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime();
            long a0 = THREADS.getCurrentThreadAllocatedBytes();
            StructureParser.parse(new ByteArrayInputStream(message));
            alloc = Math.min(alloc, THREADS.getCurrentThreadAllocatedBytes() - a0);
            cpu = Math.min(cpu, THREADS.getCurrentThreadCpuTime() - c0);
        }
        return new long[] {cpu, alloc};
    }

    /** {@code head}, then {@code size} copies of one octet, made as they are read. */
    private static final class Generated extends InputStream {
        private final byte[] head;
        private final byte[] chunk = new byte[64 * 1024];
        private long left;
        private int headAt;

        Generated(byte[] head, long size, byte fill) {
            this.head = head;
            this.left = size;
            Arrays.fill(chunk, fill);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (headAt < head.length) {
                int n = Math.min(len, head.length - headAt);
                System.arraycopy(head, headAt, b, off, n);
                headAt += n;
                return n;
            }
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, chunk.length), left);
            System.arraycopy(chunk, 0, b, off, n);
            left -= n;
            return n;
        }
    }
}
