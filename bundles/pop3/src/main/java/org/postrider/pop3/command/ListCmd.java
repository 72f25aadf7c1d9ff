package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Maildrop;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** LIST [msg]: sizes, from the index. */
public final class ListCmd implements Pop3Command {
    @Override
    public String keyword() {
        return "LIST";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        Maildrop d = s.maildrop();
        if (!r.args().isEmpty()) {
            Maildrop.Entry m = Messages.one(s, r);
            if (m != null) {
                s.reply("+OK " + r.args().get(0) + " " + m.size());
            }
            return;
        }
        s.reply("+OK " + d.count() + " messages (" + d.octets() + " octets)");
        for (int n = 1; n <= d.total(); n++) {
            Maildrop.Entry m = d.get(n);
            if (m != null) {
                s.reply(n + " " + m.size());
            }
        }
        s.reply(".");
    }
}
