package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.Changes;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * CLOSE (RFC 9051 6.4.1: expunges silently unless read-only; after ENABLE QRESYNC with the new
 * HIGHESTMODSEQ where that is safe) and UNSELECT (RFC 3691: does not expunge).
 */
public final class Close implements ImapCommand {
    private final boolean expunge;

    public Close(boolean expunge) {
        this.expunge = expunge;
    }

    @Override
    public String name() {
        return expunge ? "CLOSE" : "UNSELECT";
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        new ArgReader(r.args()).end();
        String code = "";
        if (expunge && !s.selected().readOnly()) {
            UidSet removed = Expunge.expungeDeleted(s, s.selected().all());
            if (s.qresync() && !removed.isEmpty()) {
                code = highestModSeq(s, removed);
            }
        }
        s.select(null);
        s.reply(r.tag() + " OK " + code + name() + " completed");
    }

    /**
     * "[HIGHESTMODSEQ n] " after CLOSE's own expunges (RFC 7162 3.2.8), but only when nothing
     * else changed that the client was not told: a client resynchronising from n must not miss
     * another session's change made before it. Otherwise nothing, and the client resumes from
     * the MODSEQ it had.
     */
    private static String highestModSeq(ImapSession s, UidSet removed) throws StoreException {
        Selected sel = s.selected();
        Changes c = s.store().changesSince(sel.ref(), sel.modSeq(), false);
        boolean onlyOurs = c.exact() && c.changed().isEmpty() && !sel.holdsExpunges()
                && Vanished.minus(c.vanished(), removed).isEmpty();
        return onlyOurs ? "[HIGHESTMODSEQ " + c.highestModSeq() + "] " : "";
    }
}
