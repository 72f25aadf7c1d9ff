package org.postrider.store.maildir.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MessageStructure;

/**
 * Fuzz target: searching any message (parts of any encoding and charset, headers with any
 * encoded words) answers without throwing; a text without "=?" decodes to itself; a
 * subject found raw is found decoded when it has no encoded word; every part's search
 * reads only its own octets; ASCII text matched as octets answers as the decoded text does.
 */
class TextSearchFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void search(byte[] input) throws IOException {
        MessageStructure s = StructureParser.parse(new ByteArrayInputStream(input));
        TextSearchTest.Bytes content = new TextSearchTest.Bytes(input);
        for (String probe : new String[] {"é", "aB", "\u212Ae", "a\u017F"}) {
            assertEquals(TextSearch.bodyDecoded(content, s.body(), probe), TextSearch.body(content, s, probe),
                    "ASCII matched as octets answers as decoded text: " + probe);
        }
        TextSearch.text(content, s, "aB");
        for (long[] range : content.opened) {
            assertTrue(range[0] >= 0 && range[0] + range[1] <= input.length, "read inside the message");
        }
        String text = new String(input, StandardCharsets.ISO_8859_1);
        String decoded = EncodedWords.decode(text);
        if (!text.contains("=?")) {
            assertEquals(text, decoded);
        }
        for (HeaderField f : s.headers()) {
            if (!f.value().contains("=?") && f.value().length() > 2) {
                String probe = f.value().substring(1, f.value().length() - 1);
                assertTrue(TextSearch.header(s, f.name(), probe), "a field's own text is found in it");
            }
        }
    }
}
