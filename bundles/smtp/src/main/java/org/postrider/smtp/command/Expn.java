package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** EXPN: lists are not disclosed. */
public final class Expn implements SmtpCommand {
    @Override
    public String verb() {
        return "EXPN";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        s.reply("502 5.5.1 EXPN is not available");
    }
}
