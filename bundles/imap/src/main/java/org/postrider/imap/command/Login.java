package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.directory.AuthResult;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.lineserver.PasswordChecks;

/** LOGIN (RFC 9051 6.2.3): refused without TLS unless plaintext is allowed (LOGINDISABLED). */
public final class Login implements ImapCommand {
    @Override
    public String name() {
        return "LOGIN";
    }

    @Override
    public Set<ImapSession.State> states() {
        return NOT_AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession s) {
        return s.state() == ImapSession.State.NOT_AUTHENTICATED && !s.mayAuthenticate() ? "LOGINDISABLED" : null;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        ArgReader a = new ArgReader(r.args());
        String login = a.astring();
        String password = a.astring();
        a.end();
        if (!s.mayAuthenticate()) {
            s.reply(r.tag() + " NO [PRIVACYREQUIRED] LOGIN is disabled without TLS (use STARTTLS)");
            return;
        }
        AuthResult result;
        try {
            result = s.checkPassword(login, password.toCharArray());
        } catch (PasswordChecks.Busy e) {
            s.reply(r.tag() + " NO [UNAVAILABLE] " + e.getMessage());
            return;
        }
        if (result == null) {
            s.reply(r.tag() + " NO [UNAVAILABLE] the directory is being updated, try again");
            return;
        }
        s.authenticated(r.tag(), login, result);
    }
}
