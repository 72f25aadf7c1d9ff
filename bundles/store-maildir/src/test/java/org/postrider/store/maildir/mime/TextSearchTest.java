package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.MessageStructure;

class TextSearchTest {
    /** A message in memory that records the ranges it was opened at. */
    static final class Bytes implements MessageContent {
        final byte[] b;
        final List<long[]> opened = new ArrayList<>();

        Bytes(byte[] b) {
            this.b = b;
        }

        @Override
        public long size() {
            return b.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(b);
        }

        @Override
        public InputStream open(long offset, long length) {
            opened.add(new long[] {offset, length});
            return new ByteArrayInputStream(b, (int) offset, (int) Math.min(length, b.length - offset));
        }
    }

    static boolean body(String corpus, String text) throws IOException {
        byte[] b = Corpus.load(corpus);
        return TextSearch.body(new Bytes(b), StructureParser.parse(new ByteArrayInputStream(b)), text);
    }

    @Test
    void quotedPrintableIsDecodedAndCaseFolded() throws IOException {
        assertTrue(body("alternative-related.eml", "CAFÉ LATER"), "=C3=A9 decoded as UTF-8, matched across case");
        assertFalse(body("alternative-related.eml", "Caf=C3=A9"), "the encoded form is not the text");
        assertTrue(body("rfc2231.eml", "prüfbericht anbei"), "=FC decoded as ISO-8859-1");
    }

    @Test
    void onlyTextPartsAreSearched() throws IOException {
        assertTrue(body("alternative-related.eml", "<P>HELLO BOB"), "text/html is text");
        assertFalse(body("alternative-related.eml", "AAECAwQF"), "the image is not searched");
        assertFalse(body("rfc2231.eml", "JVBERi0"), "nor the PDF");
        assertFalse(body("alternative-related.eml", "Quarterly"), "nor the header, for BODY");
    }

    @Test
    void enclosedMessagesAreSearched() throws IOException {
        assertTrue(body("forward.eml", "usual place"));
        assertTrue(body("forward.eml", "Subject: Lunch"), "the forwarded header is in the body");
        assertTrue(body("forward.eml", "<PLAN@example.net>"));
        assertFalse(body("forward.eml", "Forwarded message"), "the part's own MIME header is not");
        assertTrue(body("digest.eml", "FIRST"));
    }

    @Test
    void base64IsDecodedEvenWhenBroken() throws IOException {
        String m = "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + java.util.Base64.getMimeEncoder().encodeToString("Grüße aus Köln, Straße".getBytes(StandardCharsets.UTF_8))
                + "\r\n";
        byte[] b = m.getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(b));
        assertTrue(TextSearch.body(new Bytes(b), s, "GRÜSSE AUS") == false, "ß is not folded to ss (simple folding)");
        assertTrue(TextSearch.body(new Bytes(b), s, "grÜße AUS köln"));
        assertFalse(body("bad-base64.eml", "no such words"));
    }

    @Test
    void aBase64PadWithNothingBeforeItEndsThePart() throws IOException {
        // mime4j's decoder answers such a read with 0 octets, which InputStreamReader refuses (found by fuzzing)
        byte[] b = ("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nA=\r\nQUJD\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(b));
        assertFalse(TextSearch.body(new Bytes(b), s, "ABC"), "decoding ends at the pad");
        assertFalse(TextSearch.text(new Bytes(b), s, "nothing"));
    }

    @Test
    void asciiPartsMatchedAsOctetsAnswerAsDecodedOnes() throws IOException {
        List<String> probes = List.of("usual place", "USUAL", "café later", "prüfbericht", "<p>hello bob",
                "Keep", "ſee below", "köln", "no such words", "e", "é");
        for (String name : Corpus.NAMES) {
            byte[] b = Corpus.load(name);
            MessageStructure s = StructureParser.parse(new ByteArrayInputStream(b));
            for (String probe : probes) {
                assertEquals(TextSearch.bodyDecoded(new Bytes(b), s.body(), probe),
                        TextSearch.body(new Bytes(b), s.body(), probe), name + ": " + probe);
            }
        }
        String m = "Content-Type: text/plain; charset=windows-1252\r\n\r\n"
                + "Keep it simple, see the \u00e9t\u00e9 notes\r\n";
        byte[] b = m.getBytes(StandardCharsets.ISO_8859_1);
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(b));
        assertTrue(TextSearch.body(new Bytes(b), s, "\u212Aeep IT"), "the Kelvin sign folds to k");
        assertTrue(TextSearch.body(new Bytes(b), s, "\u017Fee the"), "the long s folds to s");
        assertTrue(TextSearch.body(new Bytes(b), s, "\u00c9T\u00c9 NOTES"), "past ASCII: decoded from windows-1252");
        assertFalse(TextSearch.body(new Bytes(b), s, "\u00e9t\u00e9 nope"));
        byte[] jis = "Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\u001b$B$3$s\u001b(B abc\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        MessageStructure j = StructureParser.parse(new ByteArrayInputStream(jis));
        assertFalse(TextSearch.body(new Bytes(jis), j, "$3$s"), "a charset whose ASCII octets are not ASCII is decoded");
        assertTrue(TextSearch.body(new Bytes(jis), j, "\u3053\u3093 ABC"));
    }

    @Test
    void partsAreReadFromTheirOffsetsOnly() throws IOException {
        byte[] b = Corpus.load("alternative-related.eml");
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(b));
        Bytes c = new Bytes(b);
        assertFalse(TextSearch.body(c, s, "nowhere to be found"));
        assertEquals(2, c.opened.size(), "the two text parts, not the image");
        assertEquals(s.part(1).bodyOffset(), c.opened.get(0)[0]);
        assertEquals(s.part(1).size(), c.opened.get(0)[1]);
    }

    @Test
    void headerMatchesDecodedEncodedWords() throws IOException {
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(Corpus.load("rfc2231.eml")));
        assertTrue(TextSearch.header(s, "subject", "PRÜFBERICHT attached"));
        assertTrue(TextSearch.header(s, "SUBJECT", ""), "empty text: the field exists");
        assertFalse(TextSearch.header(s, "X-None", ""));
        MessageStructure e = StructureParser.parse(new ByteArrayInputStream(Corpus.load("eight-bit.eml")));
        assertTrue(TextSearch.header(e, "From", "jürgen müller"), "raw 8-bit UTF-8");
        assertTrue(TextSearch.header(e, "to", "FRANÇOIS"), "raw Latin-1");
    }

    @Test
    void textSearchesHeaderAndBody() throws IOException {
        byte[] b = Corpus.load("forward.eml");
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(b));
        assertTrue(TextSearch.text(new Bytes(b), s, "fwd: lunch"));
        assertTrue(TextSearch.text(new Bytes(b), s, "see BELOW"));
        assertTrue(TextSearch.text(new Bytes(b), s, "subject: fwd"));
        assertFalse(TextSearch.text(new Bytes(b), s, "dinner"));
    }

    @Test
    void encodedWords() {
        assertEquals("Prüfbericht attached", EncodedWords.decode("=?utf-8?q?Pr=C3=BCfbericht?= attached"));
        assertEquals("ab", EncodedWords.decode("=?utf-8?q?a?=  \t =?utf-8?q?b?="), "space between words goes");
        assertEquals("é", EncodedWords.decode("=?utf-8?b?w6k=?="));
        assertEquals("é", EncodedWords.decode("=?utf-8?q?=C3?= =?utf-8?q?=A9?="), "a character split between words");
        assertEquals("x a y", EncodedWords.decode("x =?iso-8859-1?q?a?= y"));
        assertEquals("=?nope?q?a?=", EncodedWords.decode("=?nope?q?a?="), "unknown charset: kept");
        assertEquals("=?utf-8?q?a b?=", EncodedWords.decode("=?utf-8?q?a b?="), "no spaces in encoded text");
        assertEquals("a_b c", EncodedWords.decode("=?utf-8?Q?a=5Fb_c?="));
    }

    @Test
    void encodedWordsWithoutEndAreLinear() {
        String s = "=?a?b ".repeat(200_000);
        assertEquals(s, EncodedWords.decode(s));
        String t = "=?utf-8?q?" + "x".repeat(400_000);
        assertEquals(t, EncodedWords.decode(t));
    }

    @Test
    void matcherFallsBackCorrectly() {
        assertTrue(new TextSearch.Matcher("aab").find("aaab"));
        assertTrue(new TextSearch.Matcher("abab").find("abaabab"));
        assertFalse(new TextSearch.Matcher("abc").find("abab"));
        assertTrue(new TextSearch.Matcher("ΣΟΦΟΣ").find("σοφος"), "Greek folds");
        assertTrue(new TextSearch.Matcher("").find(""));
    }
}
