package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** USER (RFC 1939 7): accepted for any name, so the reply tells nothing about who exists. */
public final class UserCmd implements Pop3Command {
    @Override
    public String keyword() {
        return "USER";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return AUTHORIZATION;
    }

    @Override
    public String capability(Pop3Session s) {
        return s.mayAuthenticate() && s.state() == Pop3Session.State.AUTHORIZATION ? "USER" : null;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        if (!s.mayAuthenticate()) {
            s.reply("-ERR [AUTH] plaintext authentication is disallowed without TLS (use STLS)");
            return;
        }
        if (r.args().size() != 1) {
            s.reply("-ERR usage: USER name");
            return;
        }
        s.pendingUser(r.args().get(0));
        s.reply("+OK send PASS");
    }
}
