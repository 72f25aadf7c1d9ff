package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;

/**
 * Random well-formed MIME trees (multiparts with and without preamble and epilogue, forwarded
 * messages, empty bodies, LF or CRLF before boundaries, folded fields) written down with
 * the offsets each entity must get; the parser must find exactly those.
 */
class StructureParserPropertyTest {
    /** What one entity must parse to. */
    record Expected(String type, long headerOffset, long bodyOffset, long endOffset, List<Expected> parts,
            Expected message) {
    }

    private final Random r = new Random(7);
    private final StringBuilder sb = new StringBuilder();
    private int boundaries;

    @Test
    void randomTreesParseToTheirOffsets() throws IOException {
        for (int i = 0; i < 300; i++) {
            sb.setLength(0);
            Expected root = entity(0);
            byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
            MessageStructure s = StructureParser.parse(new ByteArrayInputStream(b));
            assertFalse(s.truncated(), "message " + i);
            check(root, s.body(), b, "message " + i + " part ");
        }
    }

    private void check(Expected e, BodyPart p, byte[] b, String where) {
        assertEquals(e.type, p.type() + "/" + p.subtype(), where);
        assertEquals(e.headerOffset, p.headerOffset(), where + " header");
        assertEquals(e.bodyOffset, p.bodyOffset(), where + " body");
        assertEquals(e.endOffset, p.endOffset(), where + " end");
        if (p.type().equals("text") || p.type().equals("message")) {
            assertEquals(StructureParserTest.lines(Corpus.body(b, p)), p.lines(), where + " lines");
        }
        assertEquals(e.parts.size(), p.parts().size(), where + " parts");
        for (int i = 0; i < e.parts.size(); i++) {
            check(e.parts.get(i), p.parts().get(i), b, where + "." + (i + 1));
        }
        if (e.message == null) {
            assertNull(p.message(), where);
        } else {
            assertNotNull(p.message(), where);
            check(e.message, p.message(), b, where + " (enclosed)");
        }
    }

    private Expected entity(int depth) {
        int kind = depth >= 5 ? 0 : r.nextInt(3);
        long header = sb.length();
        if (r.nextInt(3) == 0) {
            sb.append("X-Folded: one\r\n\ttwo\r\n");
        }
        String type;
        String boundary = null;
        if (kind == 1) {
            boundary = "=_b" + boundaries++ + (r.nextBoolean() ? "" : " x");
            String sub = r.nextBoolean() ? "mixed" : "alternative";
            type = "multipart/" + sub;
            sb.append("Content-Type: Multipart/").append(sub).append(";\r\n boundary=\"").append(boundary).append("\"\r\n");
        } else if (kind == 2) {
            type = "message/rfc822";
            sb.append("Content-Type: message/rfc822\r\n");
        } else if (r.nextBoolean()) {
            type = "text/plain";
            sb.append("Subject: leaf\r\n");
        } else {
            type = "text/html";
            sb.append("Content-Type: text/html; charset=utf-8\r\n");
        }
        sb.append("\r\n");
        long body = sb.length();
        List<Expected> parts = new ArrayList<>();
        Expected message = null;
        if (kind == 1) {
            String eol = r.nextBoolean() ? "\r\n" : "\n";
            if (r.nextBoolean()) {
                sb.append("preamble line").append(eol);
                text();
                sb.append(eol);
            }
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                sb.append("--").append(boundary).append(r.nextBoolean() ? "" : "  ").append("\r\n");
                parts.add(entity(depth + 1));
                sb.append(r.nextBoolean() ? "\r\n" : "\n");
            }
            sb.append("--").append(boundary).append("--");
            if (r.nextBoolean()) {
                sb.append("\r\nepilogue");
                if (r.nextBoolean()) {
                    sb.append("\r\n");
                }
            }
        } else if (kind == 2) {
            message = entity(depth + 1);
        } else {
            text();
        }
        return new Expected(type, header, body, sb.length(), parts, message);
    }

    /** Zero or more lines of words, the last one with or without a line end. */
    private void text() {
        for (int i = r.nextInt(4); i > 0; i--) {
            sb.append("some words ").append(r.nextInt(1000));
            if (i > 1 || r.nextBoolean()) {
                sb.append(r.nextBoolean() ? "\r\n" : "\n");
            }
        }
    }
}
