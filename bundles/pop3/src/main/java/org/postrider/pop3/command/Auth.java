package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.directory.Directory;
import org.postrider.lineserver.PasswordChecks;
import org.postrider.lineserver.sasl.SaslDecoder;
import org.postrider.lineserver.sasl.SaslExchange;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** AUTH (RFC 5034) with the shared SASL exchange; "AUTH" alone lists the mechanisms. */
public final class Auth implements Pop3Command {
    @Override
    public String keyword() {
        return "AUTH";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return AUTHORIZATION;
    }

    @Override
    public String capability(Pop3Session s) {
        return s.mayAuthenticate() && s.state() == Pop3Session.State.AUTHORIZATION
                ? "SASL " + String.join(" ", SaslExchange.mechanisms(s.directory())) : null;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        if (r.args().isEmpty()) {
            s.reply("+OK");
            for (String m : SaslExchange.mechanisms(s.directory())) {
                s.reply(m);
            }
            s.reply(".");
            return;
        }
        if (!s.mayAuthenticate()) {
            s.reply("-ERR [AUTH] plaintext authentication is disallowed without TLS (use STLS)");
            return;
        }
        Directory d = s.directory();
        if (d == null) {
            s.reply("-ERR [SYS/TEMP] service temporarily unavailable, try again later");
            return;
        }
        try {
            SaslExchange.Outcome o = SaslExchange.authenticate(r.args().get(0),
                    r.args().size() > 1 ? r.args().get(1) : null, challenge -> {
                        s.reply("+ " + challenge);
                        s.flush();
                        return s.connection().readTextLine();
                    }, d, s.connection()::checkPassword);
            if (o == null) {
                s.reply("-ERR unsupported mechanism " + r.args().get(0));
                return;
            }
            s.authenticated(o.login(), o.result());
        } catch (SaslDecoder.InvalidResponse e) {
            s.reply("-ERR [AUTH] " + e.getMessage());
        } catch (SaslExchange.Cancelled e) {
            s.reply("-ERR authentication cancelled");
        } catch (PasswordChecks.Busy e) {
            s.reply("-ERR [SYS/TEMP] " + e.getMessage());
        }
    }
}
