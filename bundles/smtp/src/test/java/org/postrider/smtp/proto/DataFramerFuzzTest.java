package org.postrider.smtp.proto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postrider.lineserver.MessageText;
import org.postrider.lineserver.ProtocolViolation;

/**
 * Fuzz target for the DATA framer as DATA uses it (the line server's {@link MessageText},
 * fed what the connection's buffer holds): the message ends only where the input holds
 * CRLF "." CRLF at a line start, the content never holds a bare CR or LF, and nothing after
 * the end is taken as content. (The framer's own target, in random chunkings against a
 * model, is the line server's MessageTextFuzzTest.)
 */
class DataFramerFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void data(byte[] input) throws IOException {
        MessageText text = new MessageText(1000, Long.MAX_VALUE);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        int pos;
        try {
            pos = text.feed(input, 0, input.length, content);
        } catch (ProtocolViolation v) {
            return; // refused: the session is dropped and nothing is queued
        }
        String c = content.toString(StandardCharsets.ISO_8859_1);
        if (text.ended() || !text.midLine()) {
            assertTrue(c.replace("\r\n", "").indexOf('\r') < 0 && c.replace("\r\n", "").indexOf('\n') < 0,
                    "no bare CR or LF reaches the queue");
        }
        if (text.ended()) {
            String consumed = "\r\n" + new String(input, 0, pos, StandardCharsets.ISO_8859_1);
            assertTrue(consumed.endsWith("\r\n.\r\n"), "the end is CRLF.CRLF and nothing else");
        }
    }
}
