package org.postrider.lineserver.sasl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Directory;
import org.postrider.lineserver.PasswordChecks;

/**
 * The SASL exchange of POP3 AUTH, SMTP AUTH and IMAP AUTHENTICATE: SCRAM-SHA-256 where the
 * directory has SCRAM keys, PLAIN and LOGIN; the optional initial response, the challenges,
 * "*" to cancel, and the authorization-identity rule (an authzid other than the login fails
 * like a wrong password: there are no master users). The protocol only says how a challenge
 * is written ("+ " or "334 ") and phrases the outcome.
 */
public final class SaslExchange {
    private static final List<String> PASSWORD_MECHANISMS = List.of("PLAIN", "LOGIN");

    private SaslExchange() {
    }

    /** Sends one base64 challenge and returns the client's raw answer line, or null if it left. */
    @FunctionalInterface
    public interface Challenger {
        String ask(String base64Challenge) throws IOException;
    }

    /**
     * Runs the directory's password check (a slow hash), as the session allows: after the
     * address's penalty and in a bounded slot ({@code Connection::checkPassword}).
     */
    @FunctionalInterface
    public interface PasswordGate {
        AuthResult check(java.util.function.Supplier<AuthResult> check) throws PasswordChecks.Busy;
    }

    /** The client answered "*". */
    public static final class Cancelled extends Exception {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("authentication cancelled");
        }
    }

    /** Who tried (for the log; may be anything the client sent) and how it went. */
    public record Outcome(String login, AuthResult result) {
        public boolean succeeded() {
            return result instanceof AuthResult.Success;
        }
    }

    /** The mechanisms to offer with this directory, strongest first. */
    public static List<String> mechanisms(Directory directory) {
        if (directory != null && directory.scramSha256("postmaster") != null) {
            List<String> l = new ArrayList<>();
            l.add(ScramServer.MECHANISM);
            l.addAll(PASSWORD_MECHANISMS);
            return List.copyOf(l);
        }
        return PASSWORD_MECHANISMS;
    }

    /**
     * Runs the exchange and checks the identity with the directory.
     *
     * @param mechanism       as the client named it
     * @param initialResponse the initial response on the command line, or null
     * @return the outcome, or null when the mechanism is not offered
     */
    public static Outcome authenticate(String mechanism, String initialResponse, Challenger challenger,
            Directory directory) throws IOException, SaslDecoder.InvalidResponse, Cancelled {
        try {
            return authenticate(mechanism, initialResponse, challenger, directory, java.util.function.Supplier::get);
        } catch (PasswordChecks.Busy e) {
            throw new IllegalStateException("an ungated check cannot be busy", e);
        }
    }

    /**
     * As {@link #authenticate(String, String, Challenger, Directory)}, with the password check
     * through the gate.
     *
     * @throws PasswordChecks.Busy when the gate had no slot in time: a temporary failure
     */
    public static Outcome authenticate(String mechanism, String initialResponse, Challenger challenger,
            Directory directory, PasswordGate gate)
            throws IOException, SaslDecoder.InvalidResponse, Cancelled, PasswordChecks.Busy {
        String m = mechanism.toUpperCase(Locale.ROOT);
        if (m.equals(ScramServer.MECHANISM)) {
            return mechanisms(directory).contains(m) ? scram(initialResponse, challenger, directory, gate) : null;
        }
        Credentials c = switch (m) {
            case "PLAIN" -> SaslDecoder.plain(SaslDecoder.base64(
                    initialResponse != null ? initialResponse : ask(challenger, "")));
            case "LOGIN" -> {
                String user = initialResponse != null ? initialResponse : ask(challenger, "Username:");
                String login = SaslDecoder.loginField(SaslDecoder.base64(user));
                String password = SaslDecoder.loginField(SaslDecoder.base64(ask(challenger, "Password:")));
                yield new Credentials("", login, password.toCharArray());
            }
            default -> null;
        };
        if (c == null) {
            return null;
        }
        try {
            if (!c.authorizationId().isEmpty() && !c.authorizationId().equalsIgnoreCase(c.login())) {
                return new Outcome(c.login(), new AuthResult.Failure());
            }
            return new Outcome(c.login(), gate.check(() -> directory.authenticate(c.login(), c.password())));
        } finally {
            Arrays.fill(c.password(), '\0');
        }
    }

    /**
     * The proof is checked through the gate like a password: the client's hash is not ours
     * to bound, but the address's penalty after failed logins is waited out all the same,
     * else SCRAM would be the way around it.
     */
    private static Outcome scram(String initialResponse, Challenger challenger, Directory directory,
            PasswordGate gate) throws IOException, SaslDecoder.InvalidResponse, Cancelled, PasswordChecks.Busy {
        ScramServer server = new ScramServer(directory::scramSha256);
        String clientFirst = initialResponse != null ? initialResponse : ask(challenger, "");
        String serverFirst = server.first(SaslDecoder.base64(clientFirst));
        byte[] clientFinal = SaslDecoder.base64(ask(challenger, serverFirst));
        String[] signed = new String[1];
        SaslDecoder.InvalidResponse[] invalid = new SaslDecoder.InvalidResponse[1];
        gate.check(() -> {
            try {
                signed[0] = server.last(clientFinal);
            } catch (SaslDecoder.InvalidResponse e) {
                invalid[0] = e;
            }
            return server.result();
        });
        if (invalid[0] != null) {
            throw invalid[0];
        }
        String serverFinal = signed[0];
        if (serverFinal != null) {
            // The server's signature goes as a last challenge (RFC 4954 has no data with success);
            // the client answers with an empty line.
            String ack = ask(challenger, serverFinal);
            if (!ack.isEmpty() && !ack.equals("=")) {
                throw new SaslDecoder.InvalidResponse("unexpected data after the SCRAM exchange");
            }
        }
        return new Outcome(server.login(), server.result());
    }

    private static String ask(Challenger challenger, String prompt) throws IOException, Cancelled {
        String answer = challenger.ask(Base64.getEncoder().encodeToString(prompt.getBytes(StandardCharsets.UTF_8)));
        if (answer == null) {
            throw new IOException("the client left during authentication");
        }
        if (answer.equals("*")) {
            throw new Cancelled();
        }
        return answer;
    }
}
