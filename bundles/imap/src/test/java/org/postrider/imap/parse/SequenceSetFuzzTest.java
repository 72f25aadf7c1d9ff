package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.postrider.api.store.UidSet;

/** Fuzz target for sequence sets: bounded ranges, resolution within 1..max(max, numbers written), canonical re-parse. */
class SequenceSetFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void parse(FuzzedDataProvider data) {
        long max = data.consumeLong(0, SequenceSet.MAX_NUMBER);
        String s = data.consumeRemainingAsAsciiString();
        SequenceSet set;
        try {
            set = SequenceSet.parse(s, 50);
        } catch (ImapSyntaxException e) {
            return;
        }
        assertTrue(set.rangeCount() <= 50);
        UidSet r = set.resolve(max, UidSet.of(1));
        assertTrue(r.rangeCount() <= Math.max(1, set.rangeCount()));
        if (!r.isEmpty()) {
            assertTrue(r.first() >= 1 && r.last() <= SequenceSet.MAX_NUMBER);
        }
        try {
            assertEquals(set, SequenceSet.parse(set.toString(), 50));
        } catch (ImapSyntaxException e) {
            throw new AssertionError("its own form does not parse: " + set, e);
        }
    }
}
