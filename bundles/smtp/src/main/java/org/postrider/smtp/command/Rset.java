package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** RSET: forgets the transaction. */
public final class Rset implements SmtpCommand {
    @Override
    public String verb() {
        return "RSET";
    }

    @Override
    public boolean needsHelo() {
        return false;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        s.reset();
        s.reply("250 2.0.0 ok");
    }
}
