package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** HELP. */
public final class Help implements SmtpCommand {
    @Override
    public String verb() {
        return "HELP";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        s.reply("214 2.0.0 Postrider: see RFC 5321");
    }
}
