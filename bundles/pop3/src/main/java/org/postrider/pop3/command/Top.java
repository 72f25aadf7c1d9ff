package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** TOP msg n: the header, the empty line, and n body lines. */
public final class Top implements Pop3Command {
    @Override
    public String keyword() {
        return "TOP";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public String capability(Pop3Session s) {
        return "TOP";
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        if (r.args().size() != 2 || !r.args().get(1).matches("\\d{1,9}")) {
            s.reply("-ERR usage: TOP msg lines");
            return;
        }
        Retr.send(s, r, Integer.parseInt(r.args().get(1)));
    }
}
