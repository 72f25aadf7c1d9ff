package org.postrider.pop3.command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.pop3.Maildrop;
import org.postrider.api.store.StoreException;
import org.postrider.lineserver.DotStuffing;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** RETR msg: the message, dot-stuffed, streamed from the store. */
public final class Retr implements Pop3Command {
    @Override
    public String keyword() {
        return "RETR";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return TRANSACTION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        send(s, r, -1);
    }

    /** Shared with TOP: sends the message or its header and the first body lines. */
    static void send(Pop3Session s, Pop3Request r, int bodyLines) throws IOException {
        Maildrop.Entry m = Messages.one(s, r);
        if (m == null) {
            return;
        }
        MessageContent content;
        try {
            content = s.maildrop().content(m);
        } catch (StoreException e) {
            content = null;
        }
        if (content == null) {
            s.reply("-ERR [SYS/TEMP] message is no longer available");
            return;
        }
        InputStream opened;
        try {
            opened = content.open();
        } catch (IOException e) { // the store is being replaced, or the file went away
            s.reply("-ERR [SYS/TEMP] message is not available now, try again");
            return;
        }
        try (InputStream in = opened) {
            s.reply("+OK " + (bodyLines < 0 ? m.size() + " octets" : "top of message follows"));
            DotStuffing.write(in, s.connection().output(), bodyLines);
        }
    }
}
