package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Maildrop;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** UIDL [msg]: "UIDVALIDITY.UID", the same in every session and after restarts. */
public final class Uidl implements Pop3Command {
    @Override
    public String keyword() {
        return "UIDL";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public String capability(Pop3Session s) {
        return "UIDL";
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        Maildrop d = s.maildrop();
        if (!r.args().isEmpty()) {
            Maildrop.Entry m = Messages.one(s, r);
            if (m != null) {
                s.reply("+OK " + r.args().get(0) + " " + d.uidl(m));
            }
            return;
        }
        s.reply("+OK unique-id listing follows");
        for (int n = 1; n <= d.total(); n++) {
            Maildrop.Entry m = d.get(n);
            if (m != null) {
                s.reply(n + " " + d.uidl(m));
            }
        }
        s.reply(".");
    }
}
