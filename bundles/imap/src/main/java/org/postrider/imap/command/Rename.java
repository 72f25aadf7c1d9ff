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
 * not do it. A renamed selected mailbox is deselected, as the session knows it by name.
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
                s.select(null);
                s.reply("* OK [CLOSED] the selected mailbox was renamed");
            }
        }
        s.reply(r.tag() + " OK RENAME completed");
    }
}
