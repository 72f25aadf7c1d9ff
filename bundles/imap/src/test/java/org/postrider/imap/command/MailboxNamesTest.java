package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which names a new mailbox may take: none that clients or people read as a path. */
class MailboxNamesTest {
    @Test
    void levelsOfDotsAndALeadingTildeAreRefused() {
        for (String n : List.of(".", "..", "a/..", "../x", "INBOX/../x", "a/./b", "a/b/.", "~", "~bob", "~bob/INBOX")) {
            assertNotNull(MailboxNames.refusedNewName(n), n);
        }
    }

    @Test
    void dotsAndTildesInsideALevelAreOrdinary() {
        for (String n : List.of(".hidden", "a..b", "...", "a/.b", "x~y", "x/~y", "Projects/2026", "INBOX/Sub", "é/ü")) {
            assertNull(MailboxNames.refusedNewName(n), n);
        }
    }
}
