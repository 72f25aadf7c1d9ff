package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz target for message text (SMTP DATA) fed in random chunkings, against a line-by-line
 * model of RFC 5321 4.5.2: the text ends only at CRLF "." CRLF (or a "." first line), what
 * the sink takes is always a prefix of the model's unstuffed content and all of it when the
 * text ended unrefused, never more than the size limit; a violation needs a bare CR or LF.
 */
class MessageTextFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void text(FuzzedDataProvider data) throws IOException {
        int maxLine = data.consumeInt(1, 40);
        long maxOctets = data.consumeLong(0, 300);
        int chunk = data.consumeInt(1, 20);
        byte[] input = data.consumeRemainingAsBytes();
        MessageText text = new MessageText(maxLine, maxOctets);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int pos = 0;
        try {
            while (pos < input.length && !text.ended()) {
                int used = text.feed(input, pos, Math.min(chunk, input.length - pos), sink);
                assertTrue(used >= 0 && used <= chunk);
                pos += used;
            }
        } catch (ProtocolViolation v) {
            String s = new String(input, 0, Math.min(input.length, pos + chunk), StandardCharsets.ISO_8859_1);
            String crlfless = s.replace("\r\n", "");
            assertTrue(crlfless.indexOf('\r') >= 0 || crlfless.indexOf('\n') >= 0,
                    "a bare CR/LF violation needs a bare CR or LF");
            return;
        }
        assertTrue(sink.size() <= maxOctets, "the sink takes no more than the limit");
        Model m = new Model(Arrays.copyOf(input, pos), maxLine);
        byte[] got = sink.toByteArray();
        assertArrayEquals(Arrays.copyOf(m.content, Math.min(got.length, m.content.length)), got,
                "the sink has a prefix of the unstuffed content");
        assertEquals(m.ended, text.ended());
        if (m.ended) {
            assertEquals(pos, m.consumed, "nothing after the end is taken");
            boolean refused = m.tooLong || m.content.length > maxOctets;
            assertEquals(refused, text.refused());
            if (!refused) {
                assertArrayEquals(m.content, got);
            }
        }
    }

    /** RFC 5321 4.5.2 line by line, on input without a bare CR or LF. */
    private static final class Model {
        byte[] content;
        boolean ended;
        boolean tooLong;
        int consumed;

        Model(byte[] in, int maxLine) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String s = new String(in, StandardCharsets.ISO_8859_1);
            int at = 0;
            while (true) {
                int crlf = s.indexOf("\r\n", at);
                if (crlf < 0) {
                    break;
                }
                String line = s.substring(at, crlf);
                at = crlf + 2;
                if (line.equals(".")) {
                    ended = true;
                    break;
                }
                tooLong |= line.length() > maxLine;
                String c = line.startsWith(".") ? line.substring(1) : line;
                out.writeBytes((c + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            consumed = at;
            if (!ended) {
                // a line begun: its octets so far may have gone on already, but not the CR after a lone dot
                String rest = s.substring(at);
                String c = rest.startsWith(".") ? rest.substring(1) : rest;
                out.writeBytes((rest.equals(".\r") ? "" : c).getBytes(StandardCharsets.ISO_8859_1));
            }
            content = out.toByteArray();
        }
    }
}
