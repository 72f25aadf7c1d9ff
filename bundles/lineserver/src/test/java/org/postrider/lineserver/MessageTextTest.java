package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageTextTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Feeds {@code in} in chunks of {@code chunk} octets until the text ends; returns octets consumed. */
    private static int feed(MessageText t, byte[] in, int chunk, ByteArrayOutputStream sink) throws IOException {
        int pos = 0;
        while (pos < in.length && !t.ended()) {
            pos += t.feed(in, pos, Math.min(chunk, in.length - pos), sink);
        }
        return pos;
    }

    @Test
    void unstuffsAndEndsAtTheDotAloneInAnyChunking() throws Exception {
        byte[] in = b("Subject: a\r\n\r\n..b\r\n..\r\n\r\n.c.\r\n.\r\nNEXT");
        for (int chunk = 1; chunk <= in.length; chunk++) {
            MessageText t = new MessageText(100, 1000);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            int used = feed(t, in, chunk, sink);
            assertTrue(t.ended());
            assertEquals(in.length - 4, used, "nothing after the end is taken, chunk " + chunk);
            assertEquals("Subject: a\r\n\r\n.b\r\n.\r\n\r\nc.\r\n", sink.toString(StandardCharsets.ISO_8859_1));
            assertFalse(t.refused());
        }
    }

    @Test
    void anEmptyMessageEndsAtOnce() throws Exception {
        MessageText t = new MessageText(100, 1000);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertEquals(3, t.feed(b(".\r\nQUIT\r\n"), 0, 9, sink));
        assertTrue(t.ended());
        assertEquals(0, sink.size());
    }

    @Test
    void bareLineEndingsAreViolationsAlsoAfterADot() {
        for (String s : new String[] {"a\nb", "a\rb", ".\rb", ".\n", "\n"}) {
            ProtocolViolation v = assertThrows(ProtocolViolation.class,
                    () -> feed(new MessageText(100, 1000), b(s), 1, new ByteArrayOutputStream()), s);
            assertEquals(ProtocolViolation.Kind.BARE_LINE_ENDING, v.kind());
        }
    }

    @Test
    void aLineOverTheLimitRefusesTheTextButItIsReadToItsEnd() throws Exception {
        MessageText t = new MessageText(5, 1000);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        byte[] in = b("12345\r\n.2345\r\n123456\r\nmore\r\n.\r\nX");
        assertEquals(in.length - 1, feed(t, in, 3, sink));
        assertTrue(t.ended());
        assertTrue(t.lineTooLong());
        assertTrue(t.refused());
        assertTrue("12345\r\n2345\r\n12345".startsWith(sink.toString(StandardCharsets.ISO_8859_1)),
                "no more of the long line than the limit, nothing after it: " + sink);
    }

    @Test
    void theSizeLimitIsOnTheContentAndWhatTheSinkTakesStaysUnderIt() throws Exception {
        // content "abc\r\n.de\r\n" is 10 octets: the stuffed dot is not content
        for (int chunk = 1; chunk < 20; chunk++) {
            MessageText exact = new MessageText(100, 10);
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            feed(exact, b("abc\r\n..de\r\n.\r\n"), chunk, sink);
            assertFalse(exact.refused(), "exactly the limit passes, chunk " + chunk);
            assertEquals(10, exact.octets());

            MessageText over = new MessageText(100, 9);
            ByteArrayOutputStream small = new ByteArrayOutputStream();
            feed(over, b("abc\r\n..de\r\nmore and more\r\n.\r\n"), chunk, small);
            assertTrue(over.ended());
            assertTrue(over.tooBig(), "one octet over is refused");
            assertTrue(small.size() <= 9);
        }
    }

    @Test
    void contentGoesOnInRunsNotLineByLine() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            text.append(i % 10 == 0 ? ".." : "").append("line ").append(i).append("\r\n");
        }
        byte[] in = b(text + ".\r\n");
        int[] writes = {0};
        ByteArrayOutputStream content = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writes[0]++;
                super.write(b, off, len);
            }
        };
        MessageText t = new MessageText(1000, 1 << 20);
        assertEquals(in.length, t.feed(in, 0, in.length, content));
        assertEquals(text.toString().replace("..", "."), content.toString(StandardCharsets.ISO_8859_1));
        assertTrue(writes[0] <= 101, "one write per run between stuffed dots, not per line: " + writes[0]);
    }

    @Test
    void midLineTellsWhetherAnEndOfStreamWouldCutALine() throws Exception {
        MessageText t = new MessageText(100, 1000);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertFalse(t.midLine());
        t.feed(b("ab"), 0, 2, sink);
        assertTrue(t.midLine());
        t.feed(b("\r"), 0, 1, sink);
        assertTrue(t.midLine());
        t.feed(b("\n"), 0, 1, sink);
        assertFalse(t.midLine());
        assertEquals(1, t.lines());
        t.feed(b("."), 0, 1, sink);
        assertTrue(t.midLine());
    }
}
