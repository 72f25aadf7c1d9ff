package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** RSET: unmarks every deleted message. */
public final class Rset implements Pop3Command {
    @Override
    public String keyword() {
        return "RSET";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        s.maildrop().undeleteAll();
        s.reply("+OK maildrop has " + s.maildrop().count() + " messages");
    }
}
