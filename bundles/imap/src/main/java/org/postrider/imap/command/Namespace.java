package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/** NAMESPACE (RFC 2342): one personal namespace, no prefix, "/" as separator; no shared ones. */
public final class Namespace implements ImapCommand {
    @Override
    public String name() {
        return "NAMESPACE";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession session) {
        return "NAMESPACE";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        new ArgReader(r.args()).end();
        s.reply("* NAMESPACE ((\"\" \"" + MailboxNames.SEPARATOR + "\")) NIL NIL");
        s.reply(r.tag() + " OK NAMESPACE completed");
    }
}
