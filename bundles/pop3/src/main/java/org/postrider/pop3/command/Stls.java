package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.lineserver.ProtocolViolation;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** STLS (RFC 2595): TLS before login; refused when plaintext was pipelined behind it. */
public final class Stls implements Pop3Command {
    @Override
    public String keyword() {
        return "STLS";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return AUTHORIZATION;
    }

    @Override
    public String capability(Pop3Session s) {
        return s.connection().tlsAvailable() && s.state() == Pop3Session.State.AUTHORIZATION ? "STLS" : null;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        if (!s.connection().tlsAvailable()) {
            s.reply(s.connection().secure() ? "-ERR TLS is already active" : "-ERR TLS is not available");
            return;
        }
        if (s.connection().inputPending()) {
            s.reply("-ERR commands pipelined after STLS; closing");
            s.end();
            return;
        }
        s.reply("+OK begin TLS negotiation");
        s.flush();
        try {
            s.connection().startTls();
        } catch (ProtocolViolation v) {
            s.end();
        }
        s.pendingUser(null);
    }
}
