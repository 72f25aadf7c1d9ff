package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** STAT: messages and octets not marked deleted, from the index. */
public final class Stat implements Pop3Command {
    @Override
    public String keyword() {
        return "STAT";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        s.reply("+OK " + s.maildrop().count() + " " + s.maildrop().octets());
    }
}
