package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;

/**
 * Fuzz target for CRLF framing, fed in random chunkings: lines never hold CR or LF, never
 * exceed the limit, and together with their CRLFs they are exactly the input consumed;
 * a violation is raised only where the input has a bare CR or LF or an overlong line.
 */
class LineFramerFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void frame(FuzzedDataProvider data) {
        int max = data.consumeInt(1, 64);
        byte[] input = data.consumeRemainingAsBytes();
        LineFramer framer = new LineFramer(max);
        ByteArrayOutputStream rebuilt = new ByteArrayOutputStream();
        int pos = 0;
        int chunk = 1 + (input.length % 7);
        try {
            while (pos < input.length) {
                int len = Math.min(chunk, input.length - pos);
                pos += framer.feed(input, pos, len);
                if (framer.complete()) {
                    byte[] line = framer.take();
                    assertTrue(line.length <= max);
                    for (byte b : line) {
                        assertTrue(b != '\r' && b != '\n');
                    }
                    rebuilt.writeBytes(line);
                    rebuilt.write('\r');
                    rebuilt.write('\n');
                }
            }
        } catch (ProtocolViolation v) {
            if (v.kind() == ProtocolViolation.Kind.BARE_LINE_ENDING) {
                String s = new String(input, 0, Math.min(input.length, pos + chunk), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(s.replace("\r\n", "").indexOf('\r') >= 0 || s.replace("\r\n", "").indexOf('\n') >= 0,
                        "a bare CR/LF violation needs a bare CR or LF");
            }
            return;
        }
        byte[] consumed = java.util.Arrays.copyOf(input, rebuilt.size());
        assertArrayEquals(consumed, rebuilt.toByteArray(), "lines and CRLFs rebuild the input");
    }
}
