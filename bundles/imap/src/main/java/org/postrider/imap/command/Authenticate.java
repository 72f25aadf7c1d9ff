package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.directory.Directory;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.lineserver.PasswordChecks;
import org.postrider.lineserver.sasl.SaslDecoder;
import org.postrider.lineserver.sasl.SaslExchange;

/**
 * AUTHENTICATE (RFC 9051 6.2.2) with the shared SASL exchange, the initial response on the
 * command line as SASL-IR (RFC 4959) allows; refused without TLS unless plaintext is allowed.
 * A cancelled exchange ("*") or an undecodable response is a BAD, as 6.2.2 says.
 */
public final class Authenticate implements ImapCommand {
    @Override
    public String name() {
        return "AUTHENTICATE";
    }

    @Override
    public Set<ImapSession.State> states() {
        return NOT_AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession s) {
        if (s.state() != ImapSession.State.NOT_AUTHENTICATED || !s.mayAuthenticate()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (String m : SaslExchange.mechanisms(s.service().directory())) {
            sb.append("AUTH=").append(m).append(' ');
        }
        return sb.append("SASL-IR").toString();
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        ArgReader a = new ArgReader(r.args());
        String mechanism = a.atom();
        String initial = a.hasNext() ? a.atom() : null;
        a.end();
        if (!s.mayAuthenticate()) {
            s.reply(r.tag() + " NO [PRIVACYREQUIRED] authentication is disabled without TLS (use STARTTLS)");
            return;
        }
        Directory d = s.service().directory();
        if (d == null) {
            s.reply(r.tag() + " NO [UNAVAILABLE] the directory is being updated, try again");
            return;
        }
        try {
            SaslExchange.Outcome o = SaslExchange.authenticate(mechanism, initial, challenge -> {
                s.reply("+ " + challenge);
                s.flush();
                return s.connection().readTextLine();
            }, d, s.connection()::checkPassword);
            if (o == null) {
                s.reply(r.tag() + " NO [CANNOT] unsupported mechanism");
                return;
            }
            s.authenticated(r.tag(), o.login(), o.result());
        } catch (SaslDecoder.InvalidResponse e) {
            s.reply(r.tag() + " BAD " + e.getMessage());
        } catch (SaslExchange.Cancelled e) {
            s.reply(r.tag() + " BAD authentication cancelled");
        } catch (PasswordChecks.Busy e) {
            s.reply(r.tag() + " NO [UNAVAILABLE] " + e.getMessage());
        }
    }
}
