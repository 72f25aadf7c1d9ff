package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postrider.store.maildir.mime.Corpus.at;
import static org.postrider.store.maildir.mime.Corpus.body;
import static org.postrider.store.maildir.mime.Corpus.header;
import static org.postrider.store.maildir.mime.Corpus.load;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.BodyPart.Disposition;
import org.postrider.api.store.BodyPart.Parameter;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.Envelope.Address;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MessageStructure;

class StructureParserTest {
    static MessageStructure parse(byte[] b) throws IOException {
        return StructureParser.parse(new ByteArrayInputStream(b));
    }

    static MessageStructure parse(String s) throws IOException {
        return parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void alternativeWithRelatedInlineImage() throws IOException {
        byte[] b = load("alternative-related.eml");
        MessageStructure s = parse(b);
        assertFalse(s.truncated());
        assertEquals(Instant.parse("2026-03-03T09:15:00Z"), s.sentDate());
        Envelope e = s.envelope();
        assertEquals("Tue, 3 Mar 2026 10:15:00 +0100", e.date());
        assertEquals("Quarterly figures", e.subject());
        assertEquals(List.of(new Address("Alice Example", null, "alice", "example.org")), e.from());
        assertEquals(List.of(new Address("Bob", null, "bob", "example.net"), new Address(null, null, "carol", "example.net")),
                e.to());
        assertEquals(List.of(new Address("Smith, Dave", null, "dave", "example.com")), e.cc());
        assertNull(e.sender());
        assertNull(e.bcc());
        assertEquals("<20260303.abc@example.org>", e.messageId());
        assertEquals(9, s.headers().size());
        assertEquals(new HeaderField("Return-Path", "<alice@example.org>"), s.headers().get(0));

        BodyPart root = s.body();
        assertEquals("multipart", root.type());
        assertEquals("alternative", root.subtype());
        assertEquals(List.of(new Parameter("boundary", "alt-1")), root.parameters());
        assertEquals(0, root.headerOffset());
        assertEquals(at(b, "This is a multi-part"), root.bodyOffset());
        assertEquals(b.length, root.endOffset());
        assertEquals(0, root.lines());
        assertEquals(2, root.parts().size());

        BodyPart text = s.part(1);
        assertEquals("text", text.type());
        assertEquals("plain", text.subtype());
        assertEquals(List.of(new Parameter("charset", "utf-8")), text.parameters());
        assertEquals("QUOTED-PRINTABLE", text.encoding());
        assertEquals(at(b, "Content-Type: text/plain; charset=utf-8"), text.headerOffset());
        assertEquals("Hello Bob,\r\nthe figures are attached. Caf=C3=A9 later?", body(b, text));
        assertEquals(2, text.lines());

        BodyPart related = s.part(2);
        assertEquals("related", related.subtype());
        assertEquals(List.of(new Parameter("boundary", "rel-2"), new Parameter("type", "text/html")),
                related.parameters());
        assertEquals(2, related.parts().size());
        BodyPart html = s.part(2, 1);
        assertEquals("html", html.subtype());
        assertEquals(List.of(new Parameter("charset", "utf-8")), html.parameters());
        assertEquals("7BIT", html.encoding());
        assertEquals("<html><body><p>Hello Bob,</p><img src=\"cid:logo@example.org\"></body></html>", body(b, html));
        assertEquals(1, html.lines());
        BodyPart png = s.part(2, 2);
        assertEquals("image", png.type());
        assertEquals("png", png.subtype());
        assertEquals("<logo@example.org>", png.id());
        assertEquals("BASE64", png.encoding());
        assertEquals(new Disposition("inline", List.of(new Parameter("filename", "logo.png"))), png.disposition());
        assertEquals(0, png.lines(), "only text and message/rfc822 have lines");
        assertTrue(header(b, png).startsWith("Content-Type: image/png; name=\"logo.png\"\r\n"));
        assertTrue(header(b, png).endsWith("filename=\"logo.png\"\r\n\r\n"));
        assertTrue(body(b, png).startsWith("AAECAwQF"));
        assertTrue(body(b, png).endsWith("cnN0dXZ3"), "the CRLF before the boundary is not the part's");
        // the multipart/related body runs up to the CRLF before its parent's closing boundary
        assertEquals(at(b, "\r\n\r\n--alt-1--"), related.endOffset() - 2);
    }

    @Test
    void forwardedMessageHasItsEnvelopeAndPartsAddressedInside() throws IOException {
        byte[] b = load("forward.eml");
        MessageStructure s = parse(b);
        assertEquals(Instant.parse("2026-03-04T14:00:00Z"), s.sentDate());
        BodyPart first = s.part(1);
        assertEquals("See below.\r\n", body(b, first), "the empty line before the boundary is the part's");
        assertEquals(List.of(new Parameter("charset", "us-ascii")), first.parameters());

        BodyPart fwd = s.part(2);
        assertEquals("message", fwd.type());
        assertEquals("rfc822", fwd.subtype());
        assertEquals("Forwarded message", fwd.description());
        assertEquals(at(b, "From: Carol"), fwd.bodyOffset());
        assertEquals(at(b, "\r\n--outer--"), fwd.endOffset());
        assertEquals(17, fwd.lines());
        assertEquals(lines(body(b, fwd)), fwd.lines());
        Envelope inner = fwd.envelope();
        assertEquals("Lunch", inner.subject());
        assertEquals("<lunch@example.net>", inner.messageId());
        assertEquals("<plan@example.net>", inner.inReplyTo());
        assertEquals(List.of(new Address("Carol", null, "carol", "example.net")), inner.from());

        BodyPart msg = fwd.message();
        assertEquals("alternative", msg.subtype());
        assertEquals(fwd.bodyOffset(), msg.headerOffset());
        assertEquals(fwd.endOffset(), msg.endOffset());
        // BODY[2.1] and BODY[2.2]: parts of the enclosed message
        assertEquals("Noon at the usual place?", body(b, s.part(2, 1)));
        assertEquals("<p>Noon at the usual place?</p>", body(b, s.part(2, 2)));
        assertEquals("html", s.part(2, 2).subtype());
        assertNull(s.part(2, 3));
    }

    @Test
    void anEnclosedHeaderRightBeforeTheBoundaryKeepsItsEmptyLineInsideTheParent() throws IOException {
        // the line end before "--o--" is both the header's empty line and the boundary's CRLF
        byte[] b = ("Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n\r\n"
                + "Subject: inner\r\n\r\n--o--\r\n").getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = parse(b);
        BodyPart fwd = s.part(1);
        BodyPart inner = fwd.message();
        assertEquals("inner", fwd.envelope().subject());
        assertEquals("Subject: inner\r\n\r\n", header(b, inner));
        assertEquals(0, inner.size());
        assertEquals(at(b, "--o--"), inner.endOffset());
        assertEquals(inner.endOffset(), fwd.endOffset(), "the part ends with its enclosed message, not before it");
    }

    @Test
    void missingClosingBoundaryEndsTheLastPartAtTheEnd() throws IOException {
        byte[] b = load("missing-end.eml");
        MessageStructure s = parse(b);
        assertFalse(s.truncated());
        assertEquals(2, s.body().parts().size());
        assertEquals("first part", body(b, s.part(1)));
        assertEquals("second part, never closed\r\n", body(b, s.part(2)));
        assertEquals(b.length, s.part(2).endOffset());
        assertEquals(b.length, s.body().endOffset());
    }

    @Test
    void badBase64IsStillAPartOfItsSize() throws IOException {
        byte[] b = load("bad-base64.eml");
        BodyPart p = parse(b).body();
        assertEquals("BASE64", p.encoding());
        assertEquals(List.of(new Parameter("charset", "utf-8")), p.parameters());
        assertEquals(at(b, "SGVsbG8g"), p.bodyOffset());
        assertEquals(b.length, p.endOffset());
        assertEquals(3, p.lines());
    }

    @Test
    void noContentTypeIsPlainUsAscii() throws IOException {
        byte[] b = load("no-content-type.eml");
        MessageStructure s = parse(b);
        BodyPart p = s.body();
        assertEquals("text", p.type());
        assertEquals("plain", p.subtype());
        assertEquals(List.of(new Parameter("charset", "us-ascii")), p.parameters());
        assertEquals("7BIT", p.encoding());
        assertEquals("Just text,\r\nthree lines,\r\nno MIME.\r\n", body(b, p));
        assertEquals(3, p.lines());
        assertEquals(p, s.part(1), "a single-part message is its own part 1");
        assertNull(s.sentDate());
    }

    @Test
    void garbageHeaderLinesAreSkipped() throws IOException {
        byte[] b = load("garbage-headers.eml");
        MessageStructure s = parse(b);
        assertEquals(List.of("From", "X-Ok", "Content-Type", "Subject"),
                s.headers().stream().map(HeaderField::name).toList());
        assertEquals("garbage  continued subject", s.envelope().subject(), "unfolded: CRLF gone, WSP kept");
        assertEquals("text", s.body().type(), "an invalid Content-Type is text/plain (RFC 2045 5.2)");
        assertEquals(List.of(new Parameter("charset", "us-ascii")), s.body().parameters());
        assertEquals("body\r\n", body(b, s.body()));
    }

    @Test
    void eightBitHeadersAreReadAsUtf8OrLatin1() throws IOException {
        MessageStructure s = parse(load("eight-bit.eml"));
        assertEquals("Grüße aus Köln", s.envelope().subject());
        assertEquals(List.of(new Address("Jürgen Müller", null, "juergen", "example.de")), s.envelope().from());
        assertEquals(List.of(new Address("François", null, "francois", "example.fr")), s.envelope().to());
        assertEquals("8BIT", s.body().encoding());
    }

    @Test
    void rfc2231ParametersAreDecoded() throws IOException {
        byte[] b = load("rfc2231.eml");
        MessageStructure s = parse(b);
        assertEquals("=?utf-8?q?Pr=C3=BCfbericht?= attached", s.envelope().subject(), "encoded words are kept");
        assertEquals(List.of(new Parameter("charset", "iso-8859-1")), s.part(1).parameters());
        BodyPart pdf = s.part(2);
        assertEquals("application", pdf.type());
        assertEquals("pdf", pdf.subtype());
        assertEquals(List.of(new Parameter("name", "Prüfbericht 2026.pdf")), pdf.parameters());
        assertEquals(new Disposition("attachment",
                List.of(new Parameter("filename", "Prüfbericht.pdf"), new Parameter("size", "12"))), pdf.disposition());
        assertEquals(List.of("de", "en"), pdf.language());
        assertEquals("http://example.org/report.pdf", pdf.location());
        assertEquals("Q2hlY2sgSW50ZWdyaXR5IQ==", pdf.md5());
        assertEquals("JVBERi0xLjQK", body(b, pdf));
    }

    @Test
    void groupsRoutesAndCommentsInAddresses() throws IOException {
        Envelope e = parse(load("groups.eml")).envelope();
        assertEquals(List.of(new Address("Doe, John", null, "john", "example.org")), e.from());
        assertEquals(List.of(new Address("Jane Secretary", null, "secretary", "example.org")), e.sender());
        assertEquals(List.of(new Address(null, null, "undisclosed-recipients", null), new Address(null, null, null, null)),
                e.replyTo());
        assertEquals(List.of(new Address(null, null, "Team", null), new Address(null, null, "ann", "example.org"),
                new Address("Bob B.", null, "bob", "example.org"), new Address(null, null, null, null),
                new Address(null, "@relay1.example,@relay2.example", "carl", "example.com")), e.to());
        assertEquals(3, e.cc().size());
        assertEquals(List.of(), e.bcc(), "present but empty");
        assertEquals("1 Jan 26 00:00 EST", e.date());
        assertEquals(Instant.parse("2026-01-01T05:00:00Z"), parse(load("groups.eml")).sentDate());
    }

    @Test
    void digestPartsDefaultToMessageRfc822() throws IOException {
        byte[] b = load("digest.eml");
        MessageStructure s = parse(b);
        BodyPart one = s.part(1);
        assertEquals("message", one.type());
        assertEquals("rfc822", one.subtype());
        assertEquals("one", one.envelope().subject());
        assertEquals("first", body(b, one.message()));
        assertEquals("text", s.part(2).type());
        assertEquals("not a message", body(b, s.part(2)));
    }

    @Test
    void emptyAndHeaderOnlyInput() throws IOException {
        MessageStructure s = parse(new byte[0]);
        assertEquals(0, s.body().endOffset());
        assertEquals("text", s.body().type());
        assertTrue(s.headers().isEmpty());
        MessageStructure h = parse("Subject: x\r\nFrom: a@b");
        assertEquals("x", h.envelope().subject());
        assertEquals(List.of(new Address(null, null, "a", "b")), h.envelope().from());
        assertEquals(h.body().bodyOffset(), h.body().endOffset());
    }

    @Test
    void multipartWithoutBoundaryIsOneTextPart() throws IOException {
        String m = "Content-Type: multipart/mixed\r\n\r\nline one\r\n--x\r\nline three\r\n";
        MessageStructure s = parse(m);
        assertFalse(s.truncated());
        BodyPart only = s.part(1);
        assertEquals("text", only.type());
        assertEquals(s.body().bodyOffset(), only.bodyOffset());
        assertEquals(m.length(), only.endOffset());
        assertEquals(3, only.lines());
    }

    @Test
    void boundaryLinesAreMatchedExactly() throws IOException {
        String m = "Content-Type: multipart/mixed; boundary=ab\r\n\r\n"
                + "--ab\r\n\r\none\r\n--abc\r\nstill one\r\n--ab  \r\n\r\ntwo\r\n--ab--junk\r\nepilogue\r\n--ab\r\nepilogue too\r\n";
        byte[] b = m.getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = parse(b);
        assertEquals(2, s.body().parts().size());
        assertEquals("one\r\n--abc\r\nstill one", body(b, s.part(1)), "--abc is not a delimiter of ab");
        assertEquals("two", body(b, s.part(2)), "transport padding after a delimiter is allowed");
        assertEquals(b.length, s.body().endOffset(), "the epilogue is the multipart's");
    }

    @Test
    void bareLfLinesAreCountedToo() throws IOException {
        byte[] b = "Content-Type: multipart/mixed; boundary=q\n\n--q\n\nA\nB\n--q--\n".getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = parse(b);
        assertEquals("A\nB", body(b, s.part(1)));
        assertEquals(2, s.part(1).lines());
    }

    @Test
    void nestingWithinTheBoundIsParsedWhole() throws IOException {
        Nested n = Nested.of(20);
        MessageStructure s = parse(n.bytes);
        assertFalse(s.truncated());
        BodyPart p = s.body();
        for (int k = 0; k < 20; k++) {
            n.assertLevel(k, p);
            p = p.parts().get(0);
        }
        assertEquals("text", p.type());
        assertEquals("leaf", body(n.bytes, p));
    }

    @Test
    void nesting5000DeepStopsAtTheDepthBoundWithExactOffsets() throws IOException {
        Nested n = Nested.of(5000);
        MessageStructure s = parse(n.bytes);
        assertTrue(s.truncated());
        BodyPart p = s.body();
        int depth = Bounds.DEFAULT.depth();
        for (int k = 0; k < depth; k++) {
            n.assertLevel(k, p);
            assertEquals(1, p.parts().size());
            if (k < depth - 1) {
                p = p.parts().get(0);
            }
        }
        // the deepest multipart kept is opaque: one text part holding its whole body
        BodyPart opaque = p.parts().get(0);
        assertTrue(opaque.parts().isEmpty());
        assertEquals("text", opaque.type());
        assertEquals(p.bodyOffset(), opaque.bodyOffset());
        assertEquals(p.endOffset(), opaque.endOffset());
        assertEquals(Corpus.slice(n.bytes, n.bodyStart[depth - 1], n.bodyEnd[depth - 1]), body(n.bytes, opaque));
        assertEquals(depth + 1, depthOf(s.body()));
    }

    @Test
    void partCountIsBounded() throws IOException {
        StringBuilder m = new StringBuilder("Content-Type: multipart/mixed; boundary=p\r\n\r\n");
        for (int i = 0; i < 1500; i++) {
            m.append("--p\r\nContent-Type: text/plain\r\n\r\npart ").append(i).append("\r\n");
        }
        m.append("--p--\r\n");
        byte[] b = m.toString().getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = parse(b);
        assertTrue(s.truncated());
        assertEquals(Bounds.DEFAULT.parts(), s.body().parts().size());
        assertEquals("part 999", body(b, s.part(1000)));
        assertEquals(b.length, s.body().endOffset());
        MessageStructure few = StructureParser.parse(new ByteArrayInputStream(b), new Bounds(32, 10, 65536, 1 << 20));
        assertEquals(10, few.body().parts().size());
    }

    @Test
    void headerBytesAreBounded() throws IOException {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            m.append("X-Filler-").append(i).append(": ").append("v".repeat(40)).append("\r\n");
        }
        m.append("Subject: late\r\n\r\nbody\r\n");
        byte[] b = m.toString().getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = parse(b);
        assertTrue(s.truncated());
        int kept = s.headers().stream().mapToInt(f -> f.name().length() + 2 + f.value().length()).sum();
        assertTrue(kept <= Bounds.DEFAULT.headerBytes(), "kept " + kept);
        assertTrue(s.headers().size() > 100);
        assertNull(s.envelope().subject(), "fields past the bound are not kept");
        assertEquals("body\r\n", body(b, s.body()), "but the body is still found");
    }

    @Test
    void aHugeHeaderLineIsDroppedNotKept() throws IOException {
        String m = "Subject: " + "x".repeat(200_000) + "\r\nFrom: a@b\r\n\r\nbody\r\n";
        MessageStructure s = parse(m);
        assertTrue(s.truncated());
        assertTrue(s.headers().isEmpty());
        assertEquals(m.length() - 6, s.body().bodyOffset());
    }

    static int depthOf(BodyPart p) {
        int d = 0;
        for (BodyPart c : p.parts()) {
            d = Math.max(d, depthOf(c));
        }
        if (p.message() != null) {
            d = Math.max(d, depthOf(p.message()));
        }
        return d + 1;
    }

    /** Lines begun in a body: line ends, plus one for a last line without one. */
    static long lines(String body) {
        long n = body.chars().filter(c -> c == '\n').count();
        return body.isEmpty() || body.endsWith("\n") ? n : n + 1;
    }
}
