package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * SELECT and EXAMINE (RFC 9051 6.3.2, 6.3.3; CONDSTORE's HIGHESTMODSEQ): the mailbox's
 * counters from the store's summary, its UIDs as ranges; SELECT claims the \Recent messages.
 */
public final class Select implements ImapCommand {
    private final boolean select;

    public Select(boolean select) {
        this.select = select;
    }

    @Override
    public String name() {
        return select ? "SELECT" : "EXAMINE";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String name = MailboxNames.fromWire(s, a.astring());
        if (a.hasNext()) {
            a.list(); // (CONDSTORE) and other select parameters: CONDSTORE is always on here
        }
        a.end();
        if (s.selected() != null) {
            s.select(null);
            s.reply("* OK [CLOSED] previous mailbox closed");
        }
        MailStore store = s.store();
        FolderSummary sum;
        try {
            sum = store.summary(s.user(), name);
        } catch (StoreException e) {
            if (e.temporary()) {
                throw e;
            }
            s.reply(r.tag() + " NO [NONEXISTENT] " + e.getMessage());
            return;
        }
        FolderRef ref = new FolderRef(s.user(), sum.folder(), sum.uidValidity());
        UidSet uids = store.uids(ref);
        UidSet recent = select && !s.rev2() ? store.claimRecent(ref) : UidSet.empty(); // rev2 has no \Recent
        Selected sel = new Selected(ref, !select, uids, sum.highestModSeq(), recent);
        s.reply("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        s.reply("* OK [PERMANENTFLAGS (" + (select ? "\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*" : "")
                + ")] flags");
        s.reply("* " + sel.exists() + " EXISTS");
        if (!s.rev2()) {
            s.reply("* " + sel.recentCount() + " RECENT");
        }
        if (sum.firstUnseenUid() > 0 && sel.number(sum.firstUnseenUid()) > 0) {
            s.reply("* OK [UNSEEN " + sel.number(sum.firstUnseenUid()) + "] first unseen");
        }
        s.reply("* OK [UIDVALIDITY " + sum.uidValidity() + "] UIDs valid");
        s.reply("* OK [UIDNEXT " + sum.uidNext() + "] predicted next UID");
        s.reply("* OK [HIGHESTMODSEQ " + sum.highestModSeq() + "] highest");
        s.reply("* LIST () \"/\" " + MailboxNames.toWire(s, sum.folder()));
        s.select(sel);
        s.reply(r.tag() + " OK [" + (select ? "READ-WRITE" : "READ-ONLY") + "] " + name() + " completed");
    }
}
