package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;

/**
 * Fuzz target: any octets give a structure (never an exception), within its bounds, with
 * offsets that nest (every part inside its parent's body, in order, inside the message), and
 * the structure survives the cache codec unchanged. Parsed twice: with the default bounds
 * and with tiny ones, so the fuzzer reaches the bounds too.
 */
class StructureParserFuzzTest {
    private static final Bounds TINY = new Bounds(3, 4, 200, 400);

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) throws IOException {
        check(input, Bounds.DEFAULT);
        check(input, TINY);
    }

    private static void check(byte[] input, Bounds bounds) throws IOException {
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(input), bounds);
        assertNotNull(s.body());
        assertNotNull(s.envelope());
        assertEquals(0, s.body().headerOffset());
        assertEquals(input.length, s.body().endOffset());
        int[] count = {0};
        nests(s.body(), 0, input.length, 1, bounds, count);
        assertTrue(count[0] - 1 <= 2 * bounds.parts() + 1, "parts " + count[0]);
        assertEquals(s, StructureCodec.decode(StructureCodec.encode(s)));
        long kept = s.headers().stream().mapToLong(f -> f.name().length() + f.value().length()).sum();
        assertTrue(kept <= bounds.headerBytes(), "header kept " + kept);
    }

    private static void nests(BodyPart p, long from, long to, int depth, Bounds bounds, int[] count) {
        count[0]++;
        assertTrue(depth <= bounds.depth() + 1, "depth " + depth);
        assertTrue(from <= p.headerOffset() && p.headerOffset() <= p.bodyOffset() && p.bodyOffset() <= p.endOffset()
                && p.endOffset() <= to, "offsets " + p);
        assertTrue(p.lines() >= 0 && p.lines() <= p.size() + 1, "lines " + p.lines());
        if (p.multipart()) {
            assertTrue(!p.parts().isEmpty(), "a multipart has a part");
        }
        long at = p.bodyOffset();
        for (BodyPart c : p.parts()) {
            nests(c, at, p.endOffset(), depth + 1, bounds, count);
            at = c.endOffset();
        }
        if (p.message() != null) {
            assertEquals(p.bodyOffset(), p.message().headerOffset());
            assertEquals(p.endOffset(), p.message().endOffset());
            nests(p.message(), p.bodyOffset(), p.endOffset(), depth + 1, bounds, count);
        }
    }
}
