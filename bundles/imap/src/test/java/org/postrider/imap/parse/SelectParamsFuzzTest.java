package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fuzz target for SELECT parameters (CONDSTORE, QRESYNC), through the command parser as a
 * session gets them: refusals are ImapSyntaxException only; an accepted QRESYNC has sets
 * within the range bound, paired sets of one size, and checking its pairs costs at most one
 * look-up per range.
 */
class SelectParamsFuzzTest {
    private static final int RANGES = 50;

    @FuzzTest(maxDuration = "20s")
    void parse(byte[] input) {
        byte[] line = ("a SELECT INBOX " + new String(input, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        ImapRequest r = Tokens.tryRequest(line);
        if (r == null || r.args().size() != 2 || !(r.args().get(1) instanceof ImapToken.ListOf list)) {
            return;
        }
        SelectParams p;
        try {
            p = SelectParams.parse(list, RANGES);
        } catch (ImapSyntaxException refused) {
            assertTrue(!refused.getMessage().isEmpty());
            return;
        }
        SelectParams.Qresync q = p.qresync();
        if (q == null) {
            return;
        }
        assertTrue(q.uidValidity() >= 1 && q.uidValidity() <= SequenceSet.MAX_NUMBER && q.modSeq() >= 1);
        if (q.knownUids() != null) {
            assertTrue(q.knownUids().rangeCount() <= RANGES && q.knownUids().first() >= 1);
        }
        if (q.matchSequence() != null) {
            assertEquals(q.matchSequence().size(), q.matchUids().size());
            AtomicInteger lookups = new AtomicInteger();
            long best = q.unchangedUpTo(n -> {
                lookups.incrementAndGet();
                return n;
            }, SequenceSet.MAX_NUMBER);
            assertTrue(lookups.get() <= 2 * RANGES, "too many look-ups");
            assertTrue(best == 0 || q.matchUids().contains(best));
        }
    }
}
