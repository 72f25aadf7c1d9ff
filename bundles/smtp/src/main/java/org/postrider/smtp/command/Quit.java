package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** QUIT. */
public final class Quit implements SmtpCommand {
    @Override
    public String verb() {
        return "QUIT";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        s.reset();
        s.reply("221 2.0.0 bye");
        s.end();
    }
}
