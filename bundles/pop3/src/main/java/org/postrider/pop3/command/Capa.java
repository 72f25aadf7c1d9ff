package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** CAPA (RFC 2449): built from what the installed commands offer in this session now. */
public final class Capa implements Pop3Command {
    @Override
    public String keyword() {
        return "CAPA";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return ANY;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        s.reply("+OK capability list follows");
        for (Pop3Command c : s.commands()) {
            String cap = c.capability(s);
            if (cap != null) {
                s.reply(cap);
            }
        }
        s.reply("RESP-CODES");
        s.reply("AUTH-RESP-CODE");
        s.reply("PIPELINING");
        s.reply("EXPIRE NEVER");
        s.reply("IMPLEMENTATION Postrider");
        s.reply(".");
    }
}
