package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MessageStructure;

/** Header keys matched on a cached structure's octets answer exactly as on the decoded structure. */
class HeaderSearchTest {
    static boolean onOctets(MessageStructure s, String field, String text) throws IOException {
        byte[] enc = StructureCodec.encode(s);
        return new HeaderSearch(field, text).matches(enc, 0, enc.length);
    }

    static MessageStructure message(String header) throws IOException {
        byte[] b = (header + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
        return StructureParser.parse(new ByteArrayInputStream(b));
    }

    @Test
    void asciiValuesMatchAsOctetsCaseFolded() throws IOException {
        MessageStructure s = message("From: Bob <bob@example.net>\r\nSubject: Quarterly Report\r\nX-Kind: a\r\n");
        assertTrue(onOctets(s, "SUBJECT", "quarterly REP"));
        assertTrue(onOctets(s, "subject", ""), "empty text: the field is there");
        assertFalse(onOctets(s, "subject", "report!"));
        assertFalse(onOctets(s, "X-None", ""));
        assertTrue(onOctets(s, "from", "BOB@EXAMPLE"));
        assertFalse(onOctets(s, "to", "bob"), "another field's text is not this one's");
    }

    @Test
    void foldingThatLeavesAsciiIsKept() throws IOException {
        MessageStructure s = message("Subject: Kilos and socks, in Izmir\r\n");
        // simple case folding: the Kelvin sign folds to k, the long s to s, the dotted capital I to i
        assertTrue(onOctets(s, "Subject", "\u212Ailos"));
        assertTrue(onOctets(s, "Subject", "\u017Focks"));
        assertTrue(onOctets(s, "Subject", "\u0130zmir"));
        assertEquals(TextSearch.header(s, "Subject", "\u0130zmir"), onOctets(s, "Subject", "\u0130zmir"));
        assertTrue(onOctets(s, "\u017Fubject", "kilos"), "the field name compares as String.equalsIgnoreCase does");
        assertFalse(onOctets(s, "Subject", "\u00e9"), "no ASCII value holds a letter that folds outside ASCII");
    }

    @Test
    void encodedWordsAndEightBitValuesAreDecodedFirst() throws IOException {
        MessageStructure s = message("Subject: =?UTF-8?Q?Caf=C3=A9?= plans\r\nFrom: J\u00fcrgen <j@example.de>\r\n");
        assertTrue(onOctets(s, "subject", "CAF\u00c9 PLANS"));
        assertFalse(onOctets(s, "subject", "=?UTF-8"), "the encoded form is not the text");
        assertTrue(onOctets(s, "from", "j\u00dcrgen"));
        for (String name : Corpus.NAMES) {
            MessageStructure c = StructureParser.parse(new ByteArrayInputStream(Corpus.load(name)));
            for (HeaderField f : c.headers()) {
                String v = EncodedWords.decode(f.value());
                for (String probe : List.of(v, v.toUpperCase(), v.length() > 3 ? v.substring(1, v.length() - 1) : "x",
                        "nowhere at all")) {
                    assertEquals(TextSearch.header(c, f.name(), probe), onOctets(c, f.name(), probe),
                            name + " " + f.name() + " " + probe);
                }
            }
        }
    }

    @Test
    void randomStructuresAnswerAsTheirDecodedForm() throws IOException {
        Random r = new Random(11);
        for (int i = 0; i < 2000; i++) {
            MessageStructure s = StructureCodecTest.randomStructure(r);
            List<String> fields = new ArrayList<>(List.of("Subject", "x"));
            List<String> texts = new ArrayList<>(List.of("", "a", StructureCodecTest.str(r)));
            for (HeaderField f : s.headers()) {
                fields.add(f.name());
                fields.add(f.name().toUpperCase());
                if (f.value().length() > 1) {
                    texts.add(f.value().substring(r.nextInt(f.value().length() - 1)));
                }
            }
            for (String field : fields) {
                for (String text : texts) {
                    assertEquals(TextSearch.header(s, field, text), onOctets(s, field, text), field + ": " + text);
                }
            }
        }
    }
}
