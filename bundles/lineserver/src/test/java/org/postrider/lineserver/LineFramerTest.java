package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineFramerTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void framesAcrossChunksAndKeepsTheRest() throws Exception {
        LineFramer f = new LineFramer(100);
        byte[] in = b("HELO a\r\nNOOP\r\n");
        int used = f.feed(in, 0, 5);
        assertEquals(5, used);
        used = f.feed(in, 5, in.length - 5);
        assertEquals(3, used, "stops after the first CRLF");
        assertArrayEquals(b("HELO a"), f.take());
        assertEquals(6, f.feed(in, 8, 6));
        assertArrayEquals(b("NOOP"), f.take());
    }

    @Test
    void crSplitFromLfAcrossChunksIsStillCrlf() throws Exception {
        LineFramer f = new LineFramer(100);
        f.feed(b("A\r"), 0, 2);
        f.feed(b("\n"), 0, 1);
        assertArrayEquals(b("A"), f.take());
    }

    @Test
    void bareEndingsAndOverlongLines() throws Exception {
        assertThrows(ProtocolViolation.class, () -> new LineFramer(100).feed(b("A\nB"), 0, 3));
        assertThrows(ProtocolViolation.class, () -> new LineFramer(100).feed(b("A\rB"), 0, 3));
        LineFramer f = new LineFramer(3);
        f.feed(b("ABCDEFG\r\n"), 0, 9);
        ProtocolViolation v = assertThrows(ProtocolViolation.class, f::take);
        assertEquals(ProtocolViolation.Kind.LINE_TOO_LONG, v.kind());
        f.feed(b("OK\r\n"), 0, 4);
        assertTrue(new String(f.take(), StandardCharsets.US_ASCII).equals("OK"), "usable after an overlong line");
    }
}
