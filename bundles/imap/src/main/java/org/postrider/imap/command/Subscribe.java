package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * SUBSCRIBE and UNSUBSCRIBE (RFC 9051 6.3.7, 6.3.8): the store keeps the names, whether
 * the folders exist or not (a subscription outlives a DELETE, as RFC 9051 allows).
 */
public final class Subscribe implements ImapCommand {
    private final boolean subscribe;

    public Subscribe(boolean subscribe) {
        this.subscribe = subscribe;
    }

    @Override
    public String name() {
        return subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";
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
        try {
            s.store().subscribe(s.user(), name, subscribe);
        } catch (StoreException e) {
            if (e.temporary()) {
                throw e;
            }
            s.reply(r.tag() + " NO [CANNOT] " + e.getMessage());
            return;
        }
        s.reply(r.tag() + " OK " + name() + " completed");
    }
}
