package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * IDLE (RFC 2177, RFC 9051 6.3.13): after "+ idling", changes to the selected mailbox (a
 * delivery, another session's flags or expunges) are told as the store's hints arrive, until
 * the client sends DONE.
 */
public final class Idle implements ImapCommand {
    @Override
    public String name() {
        return "IDLE";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession s) {
        return "IDLE";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        new ArgReader(r.args()).end();
        s.reply("+ idling");
        String line;
        try {
            s.startIdle();
            line = s.connection().readWaitLine();
        } finally {
            s.stopIdle();
        }
        if (line == null) {
            if (s.connection().wokenForStop()) {
                s.reply("* BYE [UNAVAILABLE] server shutting down"); // the client reconnects and idles again
            }
            s.end();
            return;
        }
        if (!line.equalsIgnoreCase("DONE")) {
            s.reply(r.tag() + " BAD expected DONE");
            return;
        }
        s.sync(true);
        s.reply(r.tag() + " OK IDLE terminated");
    }
}
