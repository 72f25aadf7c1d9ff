package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.postrider.api.store.SearchKey;

/**
 * Fuzz target for SEARCH criteria (through the command parser, as a session gets them):
 * refusals are ImapSyntaxException only, and an accepted criterion is no deeper than the bound.
 */
class SearchParserFuzzTest {
    private static final int DEPTH = 16;

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        byte[] line = ("a UID SEARCH " + new String(input, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        ImapRequest r = Tokens.tryRequest(line);
        if (r == null) {
            return;
        }
        try {
            SearchRequest s = new SearchParser(SearchParserTest.CONTEXT, DEPTH, 100).parse(r.args());
            assertTrue(depth(s.key()) <= DEPTH + 2, "too deep");
        } catch (ImapSyntaxException refused) {
            assertTrue(!refused.getMessage().isEmpty());
        }
    }

    @FuzzTest(maxDuration = "20s")
    void fetch(byte[] input) {
        byte[] line = ("a UID FETCH " + new String(input, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        ImapRequest r = Tokens.tryRequest(line);
        if (r == null) {
            return;
        }
        try {
            FetchRequest f = FetchParser.parse(r.args(), true, 100);
            assertTrue(!f.items().isEmpty() && f.items().size() <= FetchParser.MAX_ITEMS);
            f.items().forEach(i -> assertTrue(!i.responseName().isEmpty()));
        } catch (ImapSyntaxException refused) {
            assertTrue(!refused.getMessage().isEmpty());
        }
    }

    private static int depth(SearchKey k) {
        return switch (k) {
            case SearchKey.Not n -> 1 + depth(n.key());
            case SearchKey.Or o -> 1 + Math.max(depth(o.a()), depth(o.b()));
            case SearchKey.And a -> 1 + a.keys().stream().mapToInt(SearchParserFuzzTest::depth).max().orElse(0);
            default -> 0;
        };
    }
}
