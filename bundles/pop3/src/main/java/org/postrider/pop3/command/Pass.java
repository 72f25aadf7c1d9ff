package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Parser;
import org.postrider.pop3.proto.Pop3Request;

/** PASS (RFC 1939 7): the password is the rest of the line, spaces included. */
public final class Pass implements Pop3Command {
    @Override
    public String keyword() {
        return "PASS";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return AUTHORIZATION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        if (s.pendingUser() == null) {
            s.reply("-ERR USER first");
            return;
        }
        String password = Pop3Parser.rest(s.rawLine());
        if (password.isEmpty()) {
            s.reply("-ERR usage: PASS password");
            return;
        }
        s.login(s.pendingUser(), password.toCharArray());
    }
}
