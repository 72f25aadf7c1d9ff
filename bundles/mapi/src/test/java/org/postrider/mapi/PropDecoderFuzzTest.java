package org.postrider.mapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Fuzz target for the property-set decoder, as the IMAP command parser's: the same octets fed
 * whole and in random chunks give the same outcome (the same message, or the same error code
 * at the same point), no exception escapes, and what is accepted encodes back to exactly the
 * octets it was read from (the layout is canonical) under the same limits. Limits are drawn
 * small so the fuzzer reaches every one.
 */
class PropDecoderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decode(FuzzedDataProvider data) throws PropFormatException {
        PropLimits limits = new PropLimits(data.consumeInt(0, 64), data.consumeInt(0, 4096), data.consumeInt(0, 64),
                data.consumeInt(0, 16), data.consumeInt(21, 1 << 16), data.consumeInt(0, 16), data.consumeLong(0, 1L << 40));
        int[] chunks = new int[data.consumeInt(1, 5)];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = data.consumeInt(1, 17);
        }
        byte[] input = data.consumeRemainingAsBytes();
        Outcome whole = run(input, limits, new int[] {Integer.MAX_VALUE});
        Outcome chunked = run(input, limits, chunks);
        assertEquals(whole.summary, chunked.summary, "chunking changed the outcome");
        if (whole.decoded != null) {
            byte[] again = PropEncoder.encode(whole.decoded.message(), limits).octets();
            assertArrayEquals(Arrays.copyOf(input, whole.consumed), again, "not what was read");
        }
    }

    private record Outcome(String summary, Decoded decoded, int consumed) {
    }

    private static Outcome run(byte[] input, PropLimits limits, int[] chunks) {
        PropDecoder d = new PropDecoder(limits);
        int pos = 0;
        for (int k = 0; pos < input.length && d.status() == PropDecoder.Status.NEED_MORE; k++) {
            int n = (int) Math.min(chunks[k % chunks.length], input.length - pos);
            int used = d.feed(input, pos, n);
            assertTrue(used >= 0 && used <= n);
            pos += used;
            if (used < n) {
                break;
            }
        }
        return switch (d.status()) {
            case NEED_MORE -> new Outcome("more after " + pos, null, pos);
            case ERROR -> new Outcome("error " + d.error().code(), null, pos);
            case COMPLETE -> {
                Decoded m = d.take();
                assertTrue(m.message().properties().size() <= limits.maxProperties());
                assertTrue(m.message().recipients().size() <= limits.maxRows());
                assertTrue(m.message().attachments().size() <= limits.maxRows());
                assertTrue(m.streams().size() <= limits.maxStreams());
                assertTrue(m.streams().stream().mapToLong(StreamRef::size).sum() <= limits.maxStreamOctets());
                yield new Outcome("message of " + pos + " " + m.message(), m, pos);
            }
        };
    }
}
