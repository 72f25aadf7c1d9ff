package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;
import org.postrider.imap.parse.FetchItem.Section;

/**
 * FETCH body items against the message's octets cut by hand: sections, partials, BINARY
 * decoding; a partial reads only its range from the content, and nothing is read or written
 * in loads larger than the streaming buffer.
 */
class BodySectionsTest {
    static final byte[] ATTACHMENT = new byte[3000];

    static {
        new Random(7).nextBytes(ATTACHMENT);
        ATTACHMENT[10] = 0;
    }

    static final String TOP_HEADER = "From: a@example.org\r\nSubject: test\r\nX-Long: folded\r\n continued\r\n"
            + "Content-Type: multipart/mixed; boundary=XX\r\n\r\n";
    static final String P1_HEADER = "Content-Type: text/plain\r\n\r\n";
    static final String P1_BODY = "hello text";
    static final String P2_HEADER = "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    static final String P2_BODY = Base64.getMimeEncoder().encodeToString(ATTACHMENT);
    static final String P3_HEADER = "Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
    static final String P3_BODY = "caf=C3=A9 =3D soft=\r\nbreak   \r\nend";
    static final String P4_HEADER = "Content-Type: message/rfc822\r\n\r\n";
    static final String P4_INNER_HEADER = "Subject: inner\r\nTo: b@example.org\r\n\r\n";
    static final String P4_INNER_BODY = "inner body";
    static final String P5_HEADER = "Content-Transfer-Encoding: x-uuencode\r\n\r\n";
    static final String P5_BODY = "begin 644 x\r\nend";
    static final String MESSAGE = TOP_HEADER + "--XX\r\n" + P1_HEADER + P1_BODY + "\r\n--XX\r\n" + P2_HEADER + P2_BODY
            + "\r\n--XX\r\n" + P3_HEADER + P3_BODY + "\r\n--XX\r\n" + P4_HEADER + P4_INNER_HEADER + P4_INNER_BODY
            + "\r\n--XX\r\n" + P5_HEADER + P5_BODY + "\r\n--XX--\r\n";

    static BodyPart leaf(String type, String subtype, String enc, String header, String body, BodyPart message) {
        long h = MESSAGE.indexOf("--XX\r\n" + header + body) + 6;
        long b = h + header.length();
        return new BodyPart(type, subtype, List.of(), null, null, enc, h, b, b + body.length(), 0, null, null,
                List.of(), null, List.of(), null, message);
    }

    static MessageStructure structure() {
        long innerHeader = MESSAGE.indexOf(P4_INNER_HEADER);
        long innerBody = innerHeader + P4_INNER_HEADER.length();
        BodyPart inner = new BodyPart("text", "plain", List.of(), null, null, "7bit", innerHeader, innerBody,
                innerBody + P4_INNER_BODY.length(), 1, null, null, List.of(), null, List.of(), null, null);
        List<BodyPart> parts = List.of(leaf("text", "plain", "7bit", P1_HEADER, P1_BODY, null),
                leaf("application", "octet-stream", "base64", P2_HEADER, P2_BODY, null),
                leaf("text", "plain", "quoted-printable", P3_HEADER, P3_BODY, null),
                leaf("message", "rfc822", "7bit", P4_HEADER, P4_INNER_HEADER + P4_INNER_BODY, inner),
                leaf("application", "octet-stream", "x-uuencode", P5_HEADER, P5_BODY, null));
        BodyPart top = new BodyPart("multipart", "mixed", List.of(), null, null, null, 0, TOP_HEADER.length(),
                MESSAGE.length(), 0, null, null, List.of(), null, parts, null, null);
        return new MessageStructure(null, top, null, List.of(), false);
    }

    private static CountingContent content() {
        return new CountingContent(MESSAGE.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String section(List<Integer> part, Section.Kind kind, List<String> fields) throws IOException {
        Octets o = BodySections.section(content(), structure(), new Section(part, kind, fields));
        byte[] b = CountingContent.bytes(o);
        assertEquals(o.size(), b.length, "the size announced is the size sent");
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String section(List<Integer> part, Section.Kind kind) throws IOException {
        return section(part, kind, List.of());
    }

    @Test
    void sectionsAreTheOctetsTheStructureNames() throws IOException {
        assertEquals(MESSAGE, section(List.of(), Section.Kind.WHOLE));
        assertEquals(TOP_HEADER, section(List.of(), Section.Kind.HEADER));
        assertEquals(MESSAGE.substring(TOP_HEADER.length()), section(List.of(), Section.Kind.TEXT));
        assertEquals(P1_BODY, section(List.of(1), Section.Kind.WHOLE));
        assertEquals(P1_HEADER, section(List.of(1), Section.Kind.MIME));
        assertEquals(P2_BODY, section(List.of(2), Section.Kind.WHOLE));
        assertEquals(P4_INNER_HEADER + P4_INNER_BODY, section(List.of(4), Section.Kind.WHOLE));
        assertEquals(P4_INNER_HEADER, section(List.of(4), Section.Kind.HEADER));
        assertEquals(P4_INNER_BODY, section(List.of(4), Section.Kind.TEXT));
        assertEquals(P4_INNER_BODY, section(List.of(4, 1), Section.Kind.WHOLE));
        assertEquals("", section(List.of(9), Section.Kind.WHOLE));
        assertEquals("", section(List.of(1), Section.Kind.HEADER), "a text part has no HEADER");
    }

    @Test
    void headerFieldsAreFilteredAsTheyStream() throws IOException {
        assertEquals("Subject: test\r\nX-Long: folded\r\n continued\r\n\r\n",
                section(List.of(), Section.Kind.HEADER_FIELDS, List.of("x-long", "SUBJECT")));
        assertEquals("From: a@example.org\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n",
                section(List.of(), Section.Kind.HEADER_FIELDS_NOT, List.of("x-long", "SUBJECT")));
        assertEquals("To: b@example.org\r\n\r\n", section(List.of(4), Section.Kind.HEADER_FIELDS, List.of("To")));
    }

    @Test
    void aPartialReadsOnlyItsRange() throws IOException {
        byte[] big = new byte[4 << 20];
        Arrays.fill(big, (byte) 'x');
        byte[] head = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, big, 0, head.length);
        BodyPart top = new BodyPart("text", "plain", List.of(), null, null, "7bit", 0, head.length, big.length, 0, null,
                null, List.of(), null, List.of(), null, null);
        MessageStructure st = new MessageStructure(null, top, null, List.of(), false);

        CountingContent c = new CountingContent(big);
        Octets o = BodySections.section(c, st, new Section(List.of(), Section.Kind.WHOLE, List.of())).window(0, 100);
        assertArrayEquals(Arrays.copyOfRange(big, 0, 100), CountingContent.bytes(o));
        assertEquals(100, c.octetsRead, "BODY[]<0.100> reads 100 octets of a 4 MiB message");

        c = new CountingContent(big);
        o = BodySections.section(c, st, new Section(List.of(), Section.Kind.TEXT, List.of())).window(1_000_000, 50);
        assertArrayEquals(Arrays.copyOfRange(big, head.length + 1_000_000, head.length + 1_000_050),
                CountingContent.bytes(o));
        assertEquals(50, c.octetsRead);

        c = new CountingContent(big);
        o = BodySections.section(c, st, new Section(List.of(), Section.Kind.TEXT, List.of())).window(big.length, 50);
        assertEquals(0, o.size(), "a partial past the end is empty");
        assertEquals(0, CountingContent.bytes(o).length);
        assertEquals(0, c.octetsRead);
    }

    @Test
    void aWholeSectionStreamsInBoundedLoads() throws IOException {
        byte[] big = new byte[4 << 20];
        new Random(1).nextBytes(big);
        CountingContent c = new CountingContent(big);
        Octets o = BodySections.whole(c);
        int[] largestWrite = {0};
        long[] written = {0};
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        o.writeTo(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                largestWrite[0] = Math.max(largestWrite[0], len);
                written[0] += len;
                sha.update(b, off, len);
            }
        });
        assertEquals(big.length, written[0]);
        assertArrayEquals(digest(big), sha.digest());
        assertTrue(largestWrite[0] <= Octets.BUFFER && c.largestRead <= Octets.BUFFER,
                "loads of at most 64 KiB: wrote " + largestWrite[0] + ", read " + c.largestRead);
    }

    private static byte[] digest(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void binaryUndoesTheTransferEncoding() throws Exception {
        Octets b64 = BodySections.binary(content(), structure(), List.of(2));
        assertArrayEquals(ATTACHMENT, CountingContent.bytes(b64));
        assertEquals(ATTACHMENT.length, b64.size());
        assertTrue(b64.hasNul());
        Octets qp = BodySections.binary(content(), structure(), List.of(3));
        assertEquals("caf\u00c3\u00a9 = softbreak\r\nend", new String(CountingContent.bytes(qp), StandardCharsets.ISO_8859_1));
        assertTrue(!qp.hasNul());
        assertEquals(P1_BODY, new String(CountingContent.bytes(BodySections.binary(content(), structure(), List.of(1))),
                StandardCharsets.ISO_8859_1));
        assertEquals(P4_INNER_HEADER + P4_INNER_BODY, new String(CountingContent.bytes(
                BodySections.binary(content(), structure(), List.of(4))), StandardCharsets.ISO_8859_1),
                "a message/rfc822 part as it is");
        assertEquals(MESSAGE, new String(CountingContent.bytes(BodySections.binary(content(), structure(), List.of())),
                StandardCharsets.ISO_8859_1));
        BodySections.UnknownCte e = assertThrows(BodySections.UnknownCte.class,
                () -> BodySections.binary(content(), structure(), List.of(5)));
        assertTrue(e.getMessage().contains("x-uuencode"), e.getMessage());
    }

    @Test
    void binaryWithoutAnEncodingToUndoIsReadByItsOffsets() throws Exception {
        byte[] big = new byte[1 << 20];
        Arrays.fill(big, (byte) 'x');
        big[500_000] = 0;
        CountingContent c = new CountingContent(big);
        Octets o = BodySections.binary(c, null, List.of()).window(1000, 100);
        assertArrayEquals(Arrays.copyOfRange(big, 1000, 1100), CountingContent.bytes(o));
        assertTrue(!o.hasNul());
        assertEquals(200, c.octetsRead, "the range, once to send and once to look for NUL");
        assertTrue(BodySections.binary(c, null, List.of()).hasNul(), "literal8 for the whole, which holds a NUL");
        c = new CountingContent(MESSAGE.getBytes(StandardCharsets.ISO_8859_1));
        o = BodySections.binary(c, structure(), List.of(1)).window(2, 3);
        assertEquals("llo", new String(CountingContent.bytes(o), StandardCharsets.ISO_8859_1));
        assertEquals(3, c.octetsRead, "a 7bit part is not decoded: its partial is read by offset");
    }

    @Test
    void partialsOfDecodedOctetsAreSlicesOfTheWhole() throws Exception {
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            long origin = r.nextInt(ATTACHMENT.length + 10);
            long length = 1 + r.nextInt(ATTACHMENT.length);
            Octets o = BodySections.binary(content(), structure(), List.of(2)).window(origin, length);
            int from = (int) Math.min(origin, ATTACHMENT.length);
            int to = (int) Math.min(ATTACHMENT.length, from + length);
            byte[] got = CountingContent.bytes(o);
            assertArrayEquals(Arrays.copyOfRange(ATTACHMENT, from, to), got, origin + "." + length);
            assertEquals(got.length, o.size());
        }
        Octets h = BodySections.section(content(), structure(),
                new Section(List.of(), Section.Kind.HEADER_FIELDS, List.of("Subject"))).window(3, 5);
        assertEquals("ject:", new String(CountingContent.bytes(h), StandardCharsets.ISO_8859_1));
        assertEquals(5, h.size());
    }

    @Test
    void octetsOpenedBeforeTheMessageIsExpungedAreStillSent() throws Exception {
        for (int i = 0; i < 4; i++) {
            CountingContent c = content();
            Octets o = switch (i) {
                case 0 -> BodySections.section(c, structure(), new Section(List.of(1), Section.Kind.WHOLE, List.of()));
                case 1 -> BodySections.binary(c, structure(), List.of(2)).window(7, 100);
                case 2 -> BodySections.section(c, structure(), new Section(List.of(), Section.Kind.HEADER_FIELDS,
                        List.of("Subject")));
                default -> BodySections.binary(c, structure(), List.of(3));
            };
            long size = o.size();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (Octets.Opened opened = o.open()) {
                c.gone = true;
                assertThrows(java.nio.file.NoSuchFileException.class, () -> o.open(), "gone for whoever opens now");
                opened.writeTo(out);
            }
            assertEquals(size, out.size(), "case " + i);
        }
    }

    @Test
    void withoutAStructureOnlyTheWholeMessageIsThere() throws IOException {
        assertEquals(MESSAGE.length(), BodySections.section(content(), null,
                new Section(List.of(), Section.Kind.WHOLE, List.of())).size());
        assertEquals(0, BodySections.section(content(), null, new Section(List.of(), Section.Kind.TEXT, List.of())).size());
        assertEquals(0, BodySections.section(null, structure(), new Section(List.of(1), Section.Kind.WHOLE, List.of()))
                .size(), "expunged meanwhile: no content");
    }
}
