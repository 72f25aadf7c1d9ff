package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/** CLOSE (RFC 9051 6.4.1: expunges silently unless read-only) and UNSELECT (RFC 3691: does not). */
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
        if (expunge && !s.selected().readOnly()) {
            Expunge.expungeDeleted(s, s.selected().all());
        }
        s.select(null);
        s.reply(r.tag() + " OK " + name() + " completed");
    }
}
