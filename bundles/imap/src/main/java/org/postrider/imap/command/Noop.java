package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/** NOOP (RFC 9051 6.1.2): tells the client what changed in the selected mailbox. */
public final class Noop implements ImapCommand {
    @Override
    public String name() {
        return "NOOP";
    }

    @Override
    public Set<ImapSession.State> states() {
        return ANY;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        new ArgReader(r.args()).end();
        s.sync(true);
        s.reply(r.tag() + " OK NOOP completed");
    }
}
