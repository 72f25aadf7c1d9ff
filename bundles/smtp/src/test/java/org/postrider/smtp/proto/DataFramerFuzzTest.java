package org.postrider.smtp.proto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.postrider.lineserver.LineFramer;
import org.postrider.lineserver.ProtocolViolation;

/**
 * Fuzz target for the DATA framer (the line server's CRLF framing plus the DATA rules):
 * the message ends only where the input holds CRLF "." CRLF at a line start, the content
 * never holds a bare CR or LF, and nothing after the end is taken as content.
 */
class DataFramerFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void data(byte[] input) {
        LineFramer framer = new LineFramer(1000);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        int pos = 0;
        boolean ended = false;
        try {
            while (pos < input.length && !ended) {
                pos += framer.feed(input, pos, input.length - pos);
                if (framer.complete()) {
                    byte[] line = framer.take();
                    if (DataLines.isEnd(line)) {
                        ended = true;
                    } else {
                        int off = DataLines.contentOffset(line);
                        content.write(line, off, line.length - off);
                        content.write('\r');
                        content.write('\n');
                    }
                }
            }
        } catch (ProtocolViolation v) {
            return; // refused: the session is dropped and nothing is queued
        }
        String c = content.toString(StandardCharsets.ISO_8859_1);
        assertTrue(c.replace("\r\n", "").indexOf('\r') < 0 && c.replace("\r\n", "").indexOf('\n') < 0,
                "no bare CR or LF reaches the queue");
        if (ended) {
            String consumed = "\r\n" + new String(input, 0, pos, StandardCharsets.ISO_8859_1);
            assertTrue(consumed.endsWith("\r\n.\r\n"), "the end is CRLF.CRLF and nothing else");
        }
    }
}
