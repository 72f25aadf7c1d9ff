package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/** CAPABILITY (RFC 9051 6.1.1): what this session may use now. */
public final class Capability implements ImapCommand {
    @Override
    public String name() {
        return "CAPABILITY";
    }

    @Override
    public Set<ImapSession.State> states() {
        return ANY;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        new ArgReader(r.args()).end();
        s.reply("* CAPABILITY " + s.capabilities());
        s.reply(r.tag() + " OK CAPABILITY completed");
    }
}
