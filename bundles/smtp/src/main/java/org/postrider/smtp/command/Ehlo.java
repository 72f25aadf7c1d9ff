package org.postrider.smtp.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** EHLO: greets and lists the extensions, each contributed by the command that implements it. */
public final class Ehlo implements SmtpCommand {
    @Override
    public String verb() {
        return "EHLO";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        String name = Helo.clientName(s, r);
        if (name == null) {
            return;
        }
        s.greeted(name, true);
        List<String> lines = new ArrayList<>();
        lines.add(s.service().hostName() + " greets " + name);
        lines.add("PIPELINING");
        lines.add("SIZE " + s.service().config().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("SMTPUTF8");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("DSN");
        s.transferIdOffered(!s.submission() && TransferKeys.listed(s));
        if (s.submission() || s.transferIdOffered()) {
            // on submission ports MAIL needs AUTH, after which the session may use it
            lines.add(TransferKeys.KEYWORD);
        }
        for (SmtpCommand c : s.commands()) {
            String k = c.ehloKeyword(s);
            if (k != null) {
                lines.add(k);
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            s.reply("250" + (i < lines.size() - 1 ? "-" : " ") + lines.get(i));
        }
    }
}
