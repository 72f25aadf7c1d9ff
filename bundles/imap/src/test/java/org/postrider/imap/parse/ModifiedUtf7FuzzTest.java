package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz target for modified UTF-7: whatever decodes re-encodes to exactly its input (canonical
 * only) and holds no control character; every name without controls round-trips.
 */
class ModifiedUtf7FuzzTest {
    @FuzzTest(maxDuration = "20s")
    void decode(String encoded) {
        if (encoded == null) {
            return;
        }
        try {
            String name = ModifiedUtf7.decode(encoded);
            assertEquals(encoded, ModifiedUtf7.encode(name));
            assertTrue(name.chars().noneMatch(c -> c < 0x20 || c >= 0x7f && c <= 0x9f));
        } catch (ImapSyntaxException refused) {
            // fine
        }
    }

    @FuzzTest(maxDuration = "20s")
    void roundTrip(String name) {
        if (name == null) {
            return;
        }
        String encoded = ModifiedUtf7.encode(name);
        assertTrue(encoded.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), encoded);
        boolean clean = name.chars().noneMatch(c -> c < 0x20 || c >= 0x7f && c <= 0x9f);
        boolean validUtf16 = name.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
        try {
            assertEquals(name, ModifiedUtf7.decode(encoded));
            assertTrue(clean && validUtf16, "decoded a name it should refuse");
        } catch (ImapSyntaxException e) {
            assertTrue(!clean || !validUtf16, "refused its own encoding of " + name + ": " + e.getMessage());
        }
    }
}
