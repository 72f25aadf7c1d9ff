package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/** LOGOUT (RFC 9051 6.1.3). */
public final class Logout implements ImapCommand {
    @Override
    public String name() {
        return "LOGOUT";
    }

    @Override
    public Set<ImapSession.State> states() {
        return ANY;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        new ArgReader(r.args()).end();
        s.reply("* BYE logging out");
        s.reply(r.tag() + " OK LOGOUT completed");
        s.end();
    }
}
