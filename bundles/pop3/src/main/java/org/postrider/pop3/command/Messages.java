package org.postrider.pop3.command;

import java.io.IOException;
import org.postrider.pop3.Maildrop;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Parser;
import org.postrider.pop3.proto.Pop3Request;

/** The message a command's first argument names, with the standard errors when there is none. */
final class Messages {
    private Messages() {
    }

    static Maildrop.Entry one(Pop3Session s, Pop3Request r) throws IOException {
        if (r.args().isEmpty()) {
            s.reply("-ERR message number required");
            return null;
        }
        Integer n = Pop3Parser.messageNumber(r.args().get(0), s.maildrop().total());
        Maildrop.Entry m = n == null ? null : s.maildrop().get(n);
        if (m == null) {
            s.reply(n == null ? "-ERR no such message" : "-ERR message " + n + " already deleted");
        }
        return m;
    }
}
