package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;

/**
 * Fuzz target for the argument checks of CREATE (USE), STATUS, ID and LIST (with its patterns
 * matched against a name made of the same bytes) over whatever the
 * request parser accepts: a syntax error or a bounded, well-formed result, nothing else.
 */
class MailboxArgsFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void arguments(FuzzedDataProvider data) {
        List<ImapToken> args = Args.of(data.consumeRemainingAsBytes());
        if (args == null) {
            return;
        }
        for (boolean lsub : new boolean[] {false, true}) {
            try {
                ListQuery q = ListQuery.parse(new org.postrider.imap.parse.ArgReader(args), false, lsub);
                assertTrue(!q.patterns().isEmpty() && q.patterns().size() <= ListQuery.MAX_PATTERNS);
                for (String p : q.patterns()) {
                    new MailboxPattern(q.reference() + p).matches(p + q.reference());
                }
            } catch (ImapSyntaxException e) {
                // refused: fine
            }
        }
        for (ImapToken t : args) {
            if (t instanceof ImapToken.ListOf l) {
                try {
                    for (String use : Create.uses(l)) {
                        assertTrue(use.startsWith("\\"), use);
                        Create.specialUse(use);
                    }
                } catch (ImapSyntaxException e) {
                    // refused: fine
                }
                try {
                    List<String> items = Status.items(l);
                    assertFalse(items.isEmpty());
                    assertTrue(items.size() <= 8 && items.stream().distinct().count() == items.size(), items::toString);
                } catch (ImapSyntaxException e) {
                    // refused: fine
                }
            }
            try {
                Id.check(t);
                assertTrue(t.isNil() || t instanceof ImapToken.ListOf l && l.items().size() <= 60);
            } catch (ImapSyntaxException e) {
                // refused: fine
            }
        }
    }
}
