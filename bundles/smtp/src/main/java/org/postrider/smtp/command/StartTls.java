package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.lineserver.ProtocolViolation;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/**
 * STARTTLS (RFC 3207): refused, and the session closed, if anything was pipelined behind
 * it; afterwards the session starts over (a new EHLO is needed, nothing from plaintext is
 * kept).
 */
public final class StartTls implements SmtpCommand {
    @Override
    public String verb() {
        return "STARTTLS";
    }

    @Override
    public String ehloKeyword(SmtpSession s) {
        return s.connection().tlsAvailable() ? "STARTTLS" : null;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        if (!s.connection().tlsAvailable()) {
            s.bad(s.connection().secure() ? "503 5.5.1 TLS already active" : "502 5.5.1 TLS not available");
            return;
        }
        if (!r.argument().isEmpty()) {
            s.bad("501 5.5.4 STARTTLS takes no argument");
            return;
        }
        if (s.connection().inputPending()) {
            s.violation(new ProtocolViolation(ProtocolViolation.Kind.PIPELINED_STARTTLS, "pipelined"));
            return;
        }
        s.reply("220 2.0.0 ready to start TLS");
        s.flush();
        s.forgetAll();
        try {
            s.connection().startTls();
        } catch (ProtocolViolation v) {
            s.end();
        }
    }
}
