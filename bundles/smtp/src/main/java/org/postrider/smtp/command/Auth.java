package org.postrider.smtp.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.postrider.lineserver.sasl.Credentials;
import org.postrider.lineserver.sasl.SaslDecoder;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.proto.SmtpRequest;

/** AUTH (RFC 4954) PLAIN and LOGIN, only under TLS unless an administrator allows it. */
public final class Auth implements SmtpCommand {
    @Override
    public String verb() {
        return "AUTH";
    }

    @Override
    public String ehloKeyword(SmtpSession s) {
        return s.mayAuthenticate() && s.authenticatedUser() == null ? "AUTH PLAIN LOGIN" : null;
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
        String[] a = r.argument().trim().split(" ");
        String mechanism = a[0].toUpperCase(Locale.ROOT);
        try {
            switch (mechanism) {
                case "PLAIN" -> {
                    String initial = a.length > 1 ? a[1] : challenge(s, "");
                    if (initial == null) {
                        return;
                    }
                    Credentials c = SaslDecoder.plain(SaslDecoder.base64(initial));
                    if (!c.authorizationId().isEmpty() && !c.authorizationId().equalsIgnoreCase(c.login())) {
                        s.reply("535 5.7.8 authorization identity not allowed");
                        return;
                    }
                    s.login(c.login(), c.password());
                }
                case "LOGIN" -> {
                    String user = a.length > 1 ? a[1] : challenge(s, "Username:");
                    if (user == null) {
                        return;
                    }
                    String login = SaslDecoder.loginField(SaslDecoder.base64(user));
                    String pass = challenge(s, "Password:");
                    if (pass == null) {
                        return;
                    }
                    s.login(login, SaslDecoder.loginField(SaslDecoder.base64(pass)).toCharArray());
                }
                default -> s.bad("504 5.5.4 unrecognized authentication mechanism");
            }
        } catch (SaslDecoder.InvalidResponse e) {
            s.bad("501 5.5.2 " + e.getMessage());
        }
    }

    private static String challenge(SmtpSession s, String prompt) throws IOException {
        s.reply("334 " + Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.US_ASCII)));
        s.flush();
        String answer = s.connection().readTextLine();
        if (answer == null) {
            s.end();
            return null;
        }
        if (answer.equals("*")) {
            s.reply("501 5.0.0 authentication cancelled");
            return null;
        }
        return answer;
    }
}
