package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.Flag;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.SequenceSet;

/**
 * EXPUNGE and UID EXPUNGE (RFC 9051 6.4.3, 6.4.9): removes the \Deleted messages (of the set);
 * after ENABLE QRESYNC they are told as VANISHED and the new HIGHESTMODSEQ comes with the OK.
 */
public final class Expunge implements ImapCommand {
    @Override
    public String name() {
        return "EXPUNGE";
    }

    @Override
    public boolean takesUid() {
        return true;
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        UidSet within = r.uid() ? s.resolve(a.sequenceSet(SequenceSet.DEFAULT_MAX_RANGES), true)
                : s.selected().all();
        a.end();
        Selected sel = s.selected();
        if (sel.readOnly()) {
            s.reply(r.tag() + " NO [READ-ONLY] the mailbox is read-only (EXAMINE)");
            return;
        }
        expungeDeleted(s, within);
        boolean told = s.sync(true);
        s.reply(r.tag() + " OK " + highestModSeq(s, told) + "EXPUNGE completed");
    }

    /**
     * "[HIGHESTMODSEQ n] " for the tagged OK of a command that told of expunges after ENABLE
     * QRESYNC (RFC 7162 3.2.7, RFC 6851 4.4 for MOVE): the MODSEQ the client is now up to.
     */
    static String highestModSeq(ImapSession s, boolean expunged) {
        return expunged && s.qresync() ? "[HIGHESTMODSEQ " + s.selected().modSeq() + "] " : "";
    }

    /** Removes the \Deleted messages among {@code within} from the store; returns those removed. */
    static UidSet expungeDeleted(ImapSession s, UidSet within) throws StoreException {
        Selected sel = s.selected();
        UidSet deleted = s.store().search(sel.ref(), new SearchKey.HasFlag(Flag.DELETED, true), within);
        return deleted.isEmpty() ? deleted : s.store().expunge(sel.ref(), deleted);
    }
}
