package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** VRFY: non-committal (RFC 5321 3.5.3), so it cannot be used to harvest addresses. */
public final class Vrfy implements SmtpCommand {
    @Override
    public String verb() {
        return "VRFY";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        s.reply("252 2.5.2 cannot VRFY user, but will accept the message and attempt delivery");
    }
}
