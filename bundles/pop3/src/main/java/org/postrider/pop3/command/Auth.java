package org.postrider.pop3.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import org.postrider.lineserver.sasl.Credentials;
import org.postrider.lineserver.sasl.SaslDecoder;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/** AUTH (RFC 5034) with PLAIN and LOGIN; "*" cancels; an authzid other than the login is refused. */
public final class Auth implements Pop3Command {
    @Override
    public String keyword() {
        return "AUTH";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return AUTHORIZATION;
    }

    @Override
    public String capability(Pop3Session s) {
        return s.mayAuthenticate() && s.state() == Pop3Session.State.AUTHORIZATION ? "SASL PLAIN LOGIN" : null;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        if (r.args().isEmpty()) {
            s.reply("+OK");
            s.reply("PLAIN");
            s.reply("LOGIN");
            s.reply(".");
            return;
        }
        if (!s.mayAuthenticate()) {
            s.reply("-ERR [AUTH] plaintext authentication is disallowed without TLS (use STLS)");
            return;
        }
        String mechanism = r.args().get(0).toUpperCase(Locale.ROOT);
        try {
            switch (mechanism) {
                case "PLAIN" -> {
                    String initial = r.args().size() > 1 ? r.args().get(1) : challenge(s, "");
                    if (initial == null) {
                        return;
                    }
                    Credentials c = SaslDecoder.plain(SaslDecoder.base64(initial));
                    if (!c.authorizationId().isEmpty() && !c.authorizationId().equalsIgnoreCase(c.login())) {
                        s.reply("-ERR [AUTH] authorization identity not allowed");
                        return;
                    }
                    s.login(c.login(), c.password());
                }
                case "LOGIN" -> {
                    String user = r.args().size() > 1 ? r.args().get(1) : challenge(s, "Username:");
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
                default -> s.reply("-ERR unsupported mechanism " + mechanism);
            }
        } catch (SaslDecoder.InvalidResponse e) {
            s.reply("-ERR [AUTH] " + e.getMessage());
        }
    }

    /** Sends "+ base64(prompt)" and reads the client's answer; null (and a reply) if cancelled. */
    private static String challenge(Pop3Session s, String prompt) throws IOException {
        s.reply("+ " + Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.US_ASCII)));
        s.flush();
        String answer = s.connection().readTextLine();
        if (answer == null) {
            s.end();
            return null;
        }
        if (answer.equals("*")) {
            s.reply("-ERR authentication cancelled");
            return null;
        }
        return answer;
    }
}
