package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * CHECK (RFC 3501 6.4.1, gone from RFC 9051): the store is durable after each call, so
 * there is nothing to check; it tells the changes as NOOP does.
 */
public final class Check implements ImapCommand {
    @Override
    public String name() {
        return "CHECK";
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        new ArgReader(r.args()).end();
        s.sync(true);
        s.reply(r.tag() + " OK CHECK completed");
    }
}
