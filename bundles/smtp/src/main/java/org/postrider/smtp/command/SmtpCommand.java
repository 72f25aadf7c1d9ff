package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** One SMTP command: its verb, the EHLO keyword it contributes, whether it needs HELO first, and its execution. */
public interface SmtpCommand {
    String verb();

    /** The EHLO line this command adds in this session now ("STARTTLS", "AUTH PLAIN LOGIN"), or null. */
    default String ehloKeyword(SmtpSession session) {
        return null;
    }

    default boolean needsHelo() {
        return true;
    }

    void execute(SmtpSession session, SmtpRequest request) throws IOException;
}
