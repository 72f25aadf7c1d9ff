package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;

/**
 * Fuzz target for the IMAP command parser, as Dovecot's: the same input fed whole and in
 * random chunks gives the same commands, continuations and errors, no exception escapes,
 * and what is accepted holds no control character outside literals.
 */
class ImapRequestParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(FuzzedDataProvider data) {
        boolean authenticated = data.consumeBoolean();
        ImapLimits limits = new ImapLimits(data.consumeInt(16, 300), data.consumeInt(0, 64), data.consumeInt(0, 4096),
                data.consumeInt(0, 4096), data.consumeInt(0, 128), 4096, data.consumeInt(1, 8), data.consumeInt(3, 64));
        int[] chunks = new int[data.consumeInt(1, 5)];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = data.consumeInt(1, 17);
        }
        byte[] input = data.consumeRemainingAsBytes();
        List<String> whole = Driver.run(limits, authenticated, input, new int[0]);
        List<String> chunked = Driver.run(limits, authenticated, input, chunks);
        assertEquals(whole, chunked, "chunking changed the result");
        for (String e : whole) {
            assertTrue(!e.isEmpty());
        }
    }

    @FuzzTest(maxDuration = "10s")
    void acceptedTokensAreClean(byte[] input) {
        ImapRequestParser p = new ImapRequestParser(ImapLimits.DEFAULTS);
        int pos = 0;
        while (pos < input.length) {
            pos += p.feed(input, pos, input.length - pos);
            switch (p.status()) {
                case COMPLETE -> p.take().args().forEach(ImapRequestParserFuzzTest::clean);
                case ERROR -> {
                    if (p.takeError().fatal()) {
                        return;
                    }
                }
                case STREAM_LITERAL -> {
                    return;
                }
                default -> {
                }
            }
        }
    }

    private static void clean(ImapToken t) {
        switch (t) {
            case ImapToken.Atom a -> assertTrue(a.text().chars().allMatch(c -> c >= 0x20 && c < 0x7f), a.text());
            case ImapToken.Quoted q -> assertTrue(q.text().chars().allMatch(c -> c >= 0x20 && c != 0x7f), q.text());
            case ImapToken.ListOf l -> l.items().forEach(ImapRequestParserFuzzTest::clean);
            case ImapToken.Literal l -> {
                String s = l.stringValue();
                assertTrue(s == null || s.chars().allMatch(c -> c >= 0x20 && c != 0x7f));
            }
            case ImapToken.StreamedLiteral s -> {
            }
        }
    }
}
