package org.postrider.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.UidSet;

/**
 * The untagged FETCH telling another session's flag change (RFC 7162 3.1): MODSEQ only once
 * a CONDSTORE enabling command came; a client that never used CONDSTORE gets UID and FLAGS.
 */
class FlagUpdateTest {
    private static final Selected SEL = new Selected(FolderRef.of("cora@example.org", "INBOX"), false,
            UidSet.of(4, 7, 9), 40, UidSet.empty());
    private static final MessageMeta M = new MessageMeta(7, 10, EnumSet.of(Flag.SEEN, Flag.FLAGGED), Set.of("$Work"),
            42, Instant.EPOCH);

    @Test
    void noModSeqBeforeCondstoreIsEnabled() {
        assertEquals("* 2 FETCH (UID 7 FLAGS (\\Seen \\Flagged $Work))", ImapSession.flagUpdate(2, M, SEL, false));
    }

    @Test
    void uidAndModSeqOnceItIs() {
        assertEquals("* 2 FETCH (UID 7 FLAGS (\\Seen \\Flagged $Work) MODSEQ (42))",
                ImapSession.flagUpdate(2, M, SEL, true));
    }
}
