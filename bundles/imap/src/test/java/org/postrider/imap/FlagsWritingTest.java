package org.postrider.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.UidSet;
import org.postrider.imap.parse.ResponseWriter;

/** FETCH writes a message's flags straight into its response, as the other replies give them. */
class FlagsWritingTest {
    @Test
    void writtenFlagsAreTheFlagsOfEveryOtherReply() {
        Selected sel = new Selected(FolderRef.of("alice@example.org", "INBOX"), false, UidSet.range(1, 3), 1,
                UidSet.of(2));
        for (int bits = 0; bits < 1 << Flag.values().length; bits++) {
            Set<Flag> flags = EnumSet.noneOf(Flag.class);
            for (Flag f : Flag.values()) {
                if ((bits & 1 << f.ordinal()) != 0) {
                    flags.add(f);
                }
            }
            for (Set<String> keywords : java.util.List.of(Set.<String>of(), Set.of("$Label1", "$Forwarded", "Work"))) {
                for (long uid = 1; uid <= 2; uid++) { // 2 is \Recent for this session
                    MessageMeta m = new MessageMeta(uid, 10, flags, keywords, 1, Instant.EPOCH);
                    ResponseWriter w = new ResponseWriter(false);
                    ImapSession.writeFlags(w, m, sel);
                    assertEquals(ImapSession.flags(m, sel), new String(w.toByteArray(), StandardCharsets.US_ASCII));
                }
            }
        }
    }
}
