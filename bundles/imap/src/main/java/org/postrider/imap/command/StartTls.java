package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.lineserver.ProtocolViolation;

/** STARTTLS (RFC 9051 6.2.1); anything pipelined behind it ends the session (STARTTLS injection). */
public final class StartTls implements ImapCommand {
    @Override
    public String name() {
        return "STARTTLS";
    }

    @Override
    public Set<ImapSession.State> states() {
        return NOT_AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession s) {
        return s.connection().tlsAvailable() && s.state() == ImapSession.State.NOT_AUTHENTICATED ? "STARTTLS" : null;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        new ArgReader(r.args()).end();
        if (!s.connection().tlsAvailable()) {
            s.reply(r.tag() + " NO " + (s.connection().secure() ? "TLS is already active" : "TLS is not available"));
            return;
        }
        if (s.connection().inputPending()) {
            s.reply("* BYE commands pipelined after STARTTLS");
            s.end();
            return;
        }
        s.reply(r.tag() + " OK begin TLS negotiation now");
        s.flush();
        try {
            s.connection().startTls();
        } catch (ProtocolViolation v) {
            s.end();
        }
    }
}
