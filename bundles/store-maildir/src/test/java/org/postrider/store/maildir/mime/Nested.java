package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.postrider.api.store.BodyPart;

/** A message of multiparts nested {@code depth} deep around one text part, with each level's offsets. */
final class Nested {
    final byte[] bytes;
    final long[] headerStart;
    final long[] bodyStart;
    final long[] bodyEnd;

    private Nested(byte[] bytes, long[] headerStart, long[] bodyStart, long[] bodyEnd) {
        this.bytes = bytes;
        this.headerStart = headerStart;
        this.bodyStart = bodyStart;
        this.bodyEnd = bodyEnd;
    }

    static Nested of(int depth) {
        StringBuilder sb = new StringBuilder();
        long[] hs = new long[depth + 1];
        long[] bs = new long[depth + 1];
        long[] be = new long[depth + 1];
        for (int k = 0; k < depth; k++) {
            hs[k] = sb.length();
            sb.append("Content-Type: multipart/mixed; boundary=b").append(k).append("\r\n\r\n");
            bs[k] = sb.length();
            sb.append("--b").append(k).append("\r\n");
        }
        hs[depth] = sb.length();
        sb.append("Content-Type: text/plain\r\n\r\n");
        bs[depth] = sb.length();
        sb.append("leaf\r\n");
        for (int k = depth - 1; k >= 0; k--) {
            be[k + 1] = sb.length() - 2;
            sb.append("--b").append(k).append("--\r\n");
        }
        be[0] = sb.length();
        return new Nested(sb.toString().getBytes(StandardCharsets.US_ASCII), hs, bs, be);
    }

    void assertLevel(int k, BodyPart p) {
        assertEquals("multipart", p.type(), "level " + k);
        assertEquals(headerStart[k], p.headerOffset(), "level " + k);
        assertEquals(bodyStart[k], p.bodyOffset(), "level " + k);
        assertEquals(bodyEnd[k], p.endOffset(), "level " + k);
    }
}
