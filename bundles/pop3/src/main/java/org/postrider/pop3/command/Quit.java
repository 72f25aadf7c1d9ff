package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** QUIT: after login, the UPDATE state removes the marked messages in one step. */
public final class Quit implements Pop3Command {
    @Override
    public String keyword() {
        return "QUIT";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return ANY;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        s.end();
        if (s.state() == Pop3Session.State.AUTHORIZATION) {
            s.reply("+OK bye");
            return;
        }
        try {
            int removed = s.maildrop().update();
            s.reply("+OK bye (" + removed + " messages deleted)");
        } catch (StoreException e) {
            s.reply("-ERR [SYS/TEMP] some deleted messages not removed: " + e.getMessage());
        }
    }
}
