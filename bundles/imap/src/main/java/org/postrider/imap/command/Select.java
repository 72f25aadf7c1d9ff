package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.Changes;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.SelectParams;
import org.postrider.imap.parse.SequenceSet;

/**
 * SELECT and EXAMINE (RFC 9051 6.3.2, 6.3.3; CONDSTORE's HIGHESTMODSEQ; QRESYNC, RFC 7162
 * 3.2.5): the mailbox's counters from the store's summary, its UIDs as ranges; SELECT claims
 * the \Recent messages. HIGHESTMODSEQ is sent on every SELECT, the mod-sequences being
 * persistent (RFC 7162 3.1.2.1); the CONDSTORE parameter enables CONDSTORE (3.1). With QRESYNC
 * the client hears what vanished and changed since it last knew the mailbox.
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
        String name;
        SelectParams.Qresync qresync;
        try {
            name = MailboxNames.fromWire(s, a.astring());
            SelectParams params = a.hasNext() ? SelectParams.parse(a.list(), SequenceSet.DEFAULT_MAX_RANGES) : null;
            a.end();
            qresync = params == null ? null : params.qresync();
            // QRESYNC only after ENABLE QRESYNC (RFC 7162 3.2.5), which enabled CONDSTORE already
            if (qresync != null && !s.qresync()) {
                throw new ImapSyntaxException("QRESYNC is not enabled: ENABLE QRESYNC first");
            }
            if (params != null && params.condstore()) {
                s.enableCondstore(); // RFC 7162 3.1: SELECT/EXAMINE (CONDSTORE) is an enabling command
            }
        } catch (ImapSyntaxException e) {
            closeSelected(s); // a SELECT that fails leaves no mailbox selected (RFC 9051 6.3.2)
            throw e;
        }
        closeSelected(s);
        MailStore store = s.store();
        FolderSummary sum;
        try {
            sum = store.summary(s.user(), name, false); // no octets: no file of another program is read
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
        if (s.rev2()) { // RFC 9051 6.3.2; an IMAP4rev1 client (RFC 3501) is not sent what it never asked for
            s.reply("* LIST () \"/\" " + MailboxNames.toWire(s, sum.folder()));
        }
        if (qresync != null && qresync.uidValidity() == sum.uidValidity()) {
            resync(s, store, sel, qresync);
        }
        s.select(sel);
        s.reply(r.tag() + " OK [" + (select ? "READ-WRITE" : "READ-ONLY") + "] " + name() + " completed");
    }

    /** The mailbox selected before is closed, and the client told so (RFC 7162 3.2.11, RFC 9051 7.1). */
    private static void closeSelected(ImapSession s) throws IOException {
        if (s.selected() != null) {
            s.select(null);
            s.reply("* OK [CLOSED] previous mailbox closed");
        }
    }

    /**
     * QRESYNC (RFC 7162 3.2.5.1), the UIDVALIDITY being the client's: VANISHED (EARLIER) for
     * what was expunged since its MODSEQ, then UID, FLAGS and MODSEQ of each message changed
     * or added since, both within its known UIDs. What changes after the UIDs were read is
     * left to the next command's update, as for any selected mailbox.
     */
    private static void resync(ImapSession s, MailStore store, Selected sel, SelectParams.Qresync q)
            throws IOException, StoreException {
        Changes c = store.changesSince(sel.ref(), q.modSeq(), false);
        // an exact answer needs no narrowing; a superset is narrowed by the client's seq-match-data
        long unchanged = c.exact() ? 0 : q.unchangedUpTo(n -> sel.uid((int) n), sel.exists());
        Vanished.tellEarlier(s, Vanished.earlier(sel, c.vanished(), q.knownUids(), unchanged));
        for (MessageMeta m : c.changed()) {
            int n = sel.number(m.uid());
            if (n > 0 && q.known(m.uid())) {
                s.reply("* " + n + " FETCH (UID " + m.uid() + " FLAGS (" + ImapSession.flags(m, sel) + ") MODSEQ ("
                        + m.modSeq() + "))");
            }
        }
    }
}
