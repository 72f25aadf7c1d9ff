package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * DELETE (RFC 9051 6.3.5): INBOX never; folders under the deleted one stay. Deleting the
 * selected mailbox deselects it, as its messages are gone.
 */
public final class Delete implements ImapCommand {
    @Override
    public String name() {
        return "DELETE";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String name = MailboxNames.fromWire(s, a.astring());
        a.end();
        if (name.equals("INBOX")) {
            s.reply(r.tag() + " NO [CANNOT] INBOX cannot be deleted");
            return;
        }
        try {
            s.store().deleteFolder(s.user(), name);
        } catch (StoreException e) {
            if (e.temporary()) {
                throw e;
            }
            s.reply(r.tag() + " NO [" + (MailboxNames.exists(s, name) ? "CANNOT" : "NONEXISTENT") + "] "
                    + e.getMessage());
            return;
        }
        if (s.selected() != null && s.selected().ref().folder().equals(name)) {
            s.select(null);
            s.reply("* OK [CLOSED] the selected mailbox was deleted");
        }
        s.reply(r.tag() + " OK DELETE completed");
    }
}
