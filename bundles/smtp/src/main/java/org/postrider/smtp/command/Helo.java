package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** HELO: plain SMTP, no extensions. */
public final class Helo implements SmtpCommand {
    @Override
    public String verb() {
        return "HELO";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        String name = clientName(s, r);
        if (name == null) {
            return;
        }
        s.greeted(name, false);
        s.reply("250 " + s.service().hostName());
    }

    /** The name a client gives in HELO or EHLO, or null after refusing a malformed one. */
    static String clientName(SmtpSession s, SmtpRequest r) throws IOException {
        String name = r.argument().trim();
        if (name.isEmpty() || name.length() > 255 || name.contains(" ")) {
            s.bad("501 5.5.4 syntax: " + r.verb() + " hostname");
            return null;
        }
        return name;
    }
}
