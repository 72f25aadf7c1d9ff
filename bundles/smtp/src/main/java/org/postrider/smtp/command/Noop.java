package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** NOOP. */
public final class Noop implements SmtpCommand {
    @Override
    public String verb() {
        return "NOOP";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        s.reply("250 2.0.0 ok");
    }
}
