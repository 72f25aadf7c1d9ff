package org.postrider.lineserver.sasl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The SASL exchange of POP3 AUTH, SMTP AUTH and IMAP AUTHENTICATE for PLAIN and LOGIN: the
 * optional initial response, the challenges, "*" to cancel, and the authorization-identity
 * rule (an authzid other than the login is refused: there are no master users). The
 * protocol only says how a challenge is written ("+ " or "334 ") and phrases the outcome.
 */
public final class SaslExchange {
    /** The mechanisms offered. */
    public static final List<String> MECHANISMS = List.of("PLAIN", "LOGIN");

    private SaslExchange() {
    }

    /** Sends one base64 challenge and returns the client's raw answer line, or null if it left. */
    @FunctionalInterface
    public interface Challenger {
        String ask(String base64Challenge) throws IOException;
    }

    /** The client answered "*". */
    public static final class Cancelled extends Exception {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("authentication cancelled");
        }
    }

    /**
     * @param mechanism       as the client named it
     * @param initialResponse the initial response on the command line, or null
     * @return the credentials, or null when the mechanism is not supported
     */
    public static Credentials run(String mechanism, String initialResponse, Challenger challenger)
            throws IOException, SaslDecoder.InvalidResponse, Cancelled {
        switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> {
                String answer = initialResponse != null ? initialResponse : ask(challenger, "");
                Credentials c = SaslDecoder.plain(SaslDecoder.base64(answer));
                if (!c.authorizationId().isEmpty() && !c.authorizationId().equalsIgnoreCase(c.login())) {
                    throw new SaslDecoder.InvalidResponse("authorization identity not allowed");
                }
                return c;
            }
            case "LOGIN" -> {
                String user = initialResponse != null ? initialResponse : ask(challenger, "Username:");
                String login = SaslDecoder.loginField(SaslDecoder.base64(user));
                String password = SaslDecoder.loginField(SaslDecoder.base64(ask(challenger, "Password:")));
                return new Credentials("", login, password.toCharArray());
            }
            default -> {
                return null;
            }
        }
    }

    private static String ask(Challenger challenger, String prompt) throws IOException, Cancelled {
        String answer = challenger.ask(Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.US_ASCII)));
        if (answer == null) {
            throw new IOException("the client left during authentication");
        }
        if (answer.equals("*")) {
            throw new Cancelled();
        }
        return answer;
    }
}
