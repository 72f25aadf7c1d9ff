package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * RENAME (RFC 9051 6.3.6): the folder and those under it keep their UIDVALIDITY and UIDs.
 * Renaming INBOX (which RFC 9051 makes a move of its messages) is refused: the store does
 * not do it. The selected mailbox, renamed or under a renamed one, stays selected under its
 * new name: its UIDs and UIDVALIDITY are the same, and RFC 9051 gives RENAME no effect on
 * the selection (Dovecot keeps it selected too).
 * <p>
 * Subscriptions are left as they are: RFC 9051 6.3.6 does not have RENAME change them, and
 * 6.3.7 has the subscription list keep a name the client subscribed even when no mailbox
 * has it any more; Dovecot does the same, and clients that want the new name subscribed
 * (Roundcube, Thunderbird) UNSUBSCRIBE the old and SUBSCRIBE the new themselves. The old name
 * shows as {@code \Subscribed \NonExistent} in LIST (SUBSCRIBED) until then.
 * <p>
 * The new name must be one CREATE would take ({@link MailboxNames#refusedNewName}).
 */
public final class Rename implements ImapCommand {
    @Override
    public String name() {
        return "RENAME";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String from = MailboxNames.fromWire(s, a.astring());
        String to = MailboxNames.fromWire(s, a.astring());
        a.end();
        if (from.equals("INBOX")) {
            s.reply(r.tag() + " NO [CANNOT] renaming INBOX is not supported; move its messages instead");
            return;
        }
        if (to.equals("INBOX")) {
            s.reply(r.tag() + " NO [ALREADYEXISTS] INBOX always exists");
            return;
        }
        String refused = MailboxNames.refusedNewName(to);
        if (refused != null) {
            s.reply(r.tag() + " NO [CANNOT] " + refused);
            return;
        }
        try {
            s.store().renameFolder(s.user(), from, to);
        } catch (StoreException e) {
            if (e.temporary()) {
                throw e;
            }
            String code = !MailboxNames.exists(s, from) ? "NONEXISTENT"
                    : MailboxNames.exists(s, to) ? "ALREADYEXISTS" : "CANNOT";
            s.reply(r.tag() + " NO [" + code + "] " + e.getMessage());
            return;
        }
        if (s.selected() != null) {
            String sel = s.selected().ref().folder();
            if (sel.equals(from) || sel.startsWith(from + "/")) {
                s.selected().renamed(to + sel.substring(from.length()));
            }
        }
        s.reply(r.tag() + " OK RENAME completed");
    }
}
