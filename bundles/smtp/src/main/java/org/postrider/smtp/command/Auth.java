package org.postrider.smtp.command;

import java.io.IOException;
import org.postrider.api.directory.Directory;
import org.postrider.lineserver.PasswordChecks;
import org.postrider.lineserver.sasl.SaslDecoder;
import org.postrider.lineserver.sasl.SaslExchange;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** AUTH (RFC 4954) with the shared SASL exchange, only under TLS unless an administrator allows it. */
public final class Auth implements SmtpCommand {
    @Override
    public String verb() {
        return "AUTH";
    }

    @Override
    public String ehloKeyword(SmtpSession s) {
        return s.mayAuthenticate() && s.authenticatedUser() == null
                ? "AUTH " + String.join(" ", SaslExchange.mechanisms(s.directory())) : null;
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        if (!s.esmtp()) {
            s.bad("503 5.5.1 EHLO first");
            return;
        }
        if (s.authenticatedUser() != null) {
            s.bad("503 5.5.1 already authenticated");
            return;
        }
        if (s.transaction() != null) {
            s.bad("503 5.5.1 not during a mail transaction");
            return;
        }
        if (!s.mayAuthenticate()) {
            s.bad("538 5.7.11 encryption required for authentication (STARTTLS first)");
            return;
        }
        Directory d = s.directory();
        if (d == null) {
            s.reply("454 4.7.0 temporary authentication failure");
            return;
        }
        String[] a = r.argument().trim().split(" ");
        try {
            SaslExchange.Outcome o = SaslExchange.authenticate(a[0], a.length > 1 ? a[1] : null, challenge -> {
                s.reply("334 " + challenge);
                s.flush();
                return s.connection().readTextLine();
            }, d, s.connection()::checkPassword);
            if (o == null) {
                s.bad("504 5.5.4 unrecognized authentication mechanism");
                return;
            }
            s.authenticated(o.result());
        } catch (SaslDecoder.InvalidResponse e) {
            s.bad("501 5.5.2 " + e.getMessage());
        } catch (SaslExchange.Cancelled e) {
            s.reply("501 5.0.0 authentication cancelled");
        } catch (PasswordChecks.Busy e) {
            s.reply("454 4.7.0 temporary authentication failure: " + e.getMessage());
        }
    }
}
