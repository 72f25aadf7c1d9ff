package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Maildrop;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Parser;
import org.postrider.pop3.proto.Pop3Request;

/** DELE msg: marks it; it goes only at QUIT (the UPDATE state), never on a dropped connection. */
public final class Dele implements Pop3Command {
    @Override
    public String keyword() {
        return "DELE";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        Maildrop.Entry m = Messages.one(s, r);
        if (m != null) {
            s.maildrop().delete(Pop3Parser.messageNumber(r.args().get(0), s.maildrop().total()));
            s.reply("+OK message " + r.args().get(0) + " deleted");
        }
    }
}
