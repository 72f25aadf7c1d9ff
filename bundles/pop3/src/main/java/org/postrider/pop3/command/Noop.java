package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** NOOP. */
public final class Noop implements Pop3Command {
    @Override
    public String keyword() {
        return "NOOP";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        s.reply("+OK");
    }
}
