package org.postrider.internal.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz target for the frame decoder and every payload decoder: the same bytes fed whole
 * and in random chunks give the same frames (or the same refusal); a decoded frame that
 * encodes again decodes to the same payload; nothing but a ProtocolException escapes.
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 64 * 1024;

    @FuzzTest(maxDuration = "30s")
    void decode(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 4096);
        byte[] input = data.consumeRemainingAsBytes();
        List<Frame> whole = new ArrayList<>();
        String wholeError = run(input, input.length, whole);
        List<Frame> chunked = new ArrayList<>();
        String chunkedError = run(input, chunk, chunked);
        assertEquals(wholeError, chunkedError);
        assertEquals(whole.size(), chunked.size());
        for (int i = 0; i < whole.size(); i++) {
            assertEquals(whole.get(i).type(), chunked.get(i).type());
            assertArrayEquals(whole.get(i).payload(), chunked.get(i).payload());
            Frame f = whole.get(i);
            try {
                Object v = Frames.decode(f, MAX_FRAME);
                Frame again = switch (v) {
                    case Hello h -> h.encode();
                    case Begin b -> b.encode();
                    case Ack a -> a.encode();
                    case Nack n -> n.encode();
                    case Auth a -> a.encode();
                    case Track.Request r -> r.limit() < Track.MAX_EVENTS ? r.encode() : null; // a larger limit is cut
                    case List<?> events -> Track.result(trackEvents(events), Integer.MAX_VALUE);
                    default -> null;
                };
                if (again != null) {
                    assertArrayEquals(f.payload(), again.payload(), "re-encoding changed " + f);
                }
            } catch (ProtocolException e) {
                // a refusal is a correct answer to a malformed payload
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Track.Event> trackEvents(List<?> events) {
        return (List<Track.Event>) events;
    }

    private static String run(byte[] input, int chunk, List<Frame> out) {
        FrameDecoder d = new FrameDecoder(MAX_FRAME);
        try {
            for (int off = 0; off < input.length; off += chunk) {
                out.addAll(d.feed(input, off, Math.min(chunk, input.length - off)));
            }
            return null;
        } catch (ProtocolException e) {
            return e.code() + " " + e.getMessage();
        }
    }
}
