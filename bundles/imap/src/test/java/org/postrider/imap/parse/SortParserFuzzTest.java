package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.postrider.imap.sort.BaseSubject;

/**
 * Fuzz targets for SORT and THREAD arguments (through the command parser, as a session gets
 * them) and for base subject extraction: refusals are ImapSyntaxException only, accepted
 * requests are complete, and a base subject is a trimmed piece of the decoded subject.
 */
class SortParserFuzzTest {
    private static final SortParser PARSER = new SortParser(new SearchParser(SearchParserTest.CONTEXT, 16, 100));

    @FuzzTest(maxDuration = "20s")
    void sort(byte[] input) {
        ImapRequest r = request("a UID SORT ", input);
        if (r == null) {
            return;
        }
        try {
            SortRequest s = PARSER.sort(r.args());
            assertTrue(!s.criteria().isEmpty() && s.criteria().size() <= SortParser.MAX_CRITERIA);
            assertTrue(s.charset().equals("UTF-8") || s.charset().equals("US-ASCII"));
            assertNotNull(s.key());
        } catch (ImapSyntaxException refused) {
            assertFalse(refused.getMessage().isEmpty());
        }
    }

    @FuzzTest(maxDuration = "20s")
    void thread(byte[] input) {
        ImapRequest r = request("a THREAD ", input);
        if (r == null) {
            return;
        }
        try {
            ThreadRequest t = PARSER.thread(r.args());
            assertNotNull(t.algorithm());
            assertNotNull(t.key());
        } catch (ImapSyntaxException refused) {
            assertFalse(refused.getMessage().isEmpty());
        }
    }

    @FuzzTest(maxDuration = "20s")
    void baseSubject(byte[] input) {
        String subject = new String(input, StandardCharsets.UTF_8);
        BaseSubject b = BaseSubject.of(subject);
        String t = b.text();
        assertFalse(t.startsWith(" ") || t.endsWith(" "), "trimmed");
        assertFalse(t.contains("  ") || t.contains("\t"), "spaces normalized");
        if (!t.contains("=?")) { // decoding again could find new encoded words
            assertEquals(t, BaseSubject.of(t).text(), "extraction is idempotent");
        }
    }

    private static ImapRequest request(String prefix, byte[] input) {
        return Tokens.tryRequest((prefix + new String(input, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
    }
}
