package org.postrider.lineserver.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.ScramCredentials;

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as a two-step state machine free
 * of I/O: {@link #first} takes the client's first message and gives the server's;
 * {@link #last} takes the client's proof and gives the server's signature. Channel binding
 * (-PLUS) is not offered, so a client asking for it is refused and one that could use it
 * ("y") is fine. The directory never sees the password, nor keeps one.
 */
public final class ScramServer {
    public static final String MECHANISM = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_MESSAGE = 2048;

    private final Function<String, ScramCredentials> lookup;
    private final Supplier<String> serverNonce;
    private String gs2Header;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String login;
    private ScramCredentials credentials;
    private AuthResult result;
    private boolean proofTaken;

    /** @param lookup the directory's {@code scramSha256}: keys for a login, made-up ones for a stranger */
    public ScramServer(Function<String, ScramCredentials> lookup) {
        this(lookup, () -> {
            byte[] r = new byte[18];
            RANDOM.nextBytes(r);
            return Base64.getEncoder().encodeToString(r);
        });
    }

    /** With a given server nonce, for the RFC's test vector. */
    ScramServer(Function<String, ScramCredentials> lookup, Supplier<String> serverNonce) {
        this.lookup = lookup;
        this.serverNonce = serverNonce;
    }

    /** The login the client gave, once the first message was read. */
    public String login() {
        return login;
    }

    /** The outcome, once {@link #last} has run. */
    public AuthResult result() {
        return result;
    }

    /** client-first-message → server-first-message. */
    public String first(byte[] message) throws SaslDecoder.InvalidResponse {
        if (gs2Header != null) {
            throw new IllegalStateException("first message already taken");
        }
        String m = text(message);
        // gs2-header: cbind-flag "," [authzid] ","
        int c1 = m.indexOf(',');
        int c2 = c1 < 0 ? -1 : m.indexOf(',', c1 + 1);
        if (c2 < 0) {
            throw new SaslDecoder.InvalidResponse("malformed SCRAM first message");
        }
        String flag = m.substring(0, c1);
        if (flag.startsWith("p=")) {
            throw new SaslDecoder.InvalidResponse("channel binding is not offered");
        }
        if (!flag.equals("n") && !flag.equals("y")) {
            throw new SaslDecoder.InvalidResponse("malformed SCRAM channel binding flag");
        }
        String authzField = m.substring(c1 + 1, c2);
        if (!authzField.isEmpty() && !authzField.startsWith("a=")) {
            throw new SaslDecoder.InvalidResponse("malformed SCRAM authorization identity");
        }
        gs2Header = m.substring(0, c2 + 1);
        clientFirstBare = m.substring(c2 + 1);
        String[] f = clientFirstBare.split(",", -1);
        if (f.length < 2 || f[0].startsWith("m=")) {
            throw new SaslDecoder.InvalidResponse(f.length > 0 && f[0].startsWith("m=")
                    ? "SCRAM extensions are not supported" : "malformed SCRAM first message");
        }
        if (!f[0].startsWith("n=") || !f[1].startsWith("r=") || f[1].length() < 3) {
            throw new SaslDecoder.InvalidResponse("malformed SCRAM first message");
        }
        login = saslName(f[0].substring(2));
        String clientNonce = f[1].substring(2);
        if (!clientNonce.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
            throw new SaslDecoder.InvalidResponse("malformed SCRAM nonce");
        }
        if (!authzField.isEmpty()) {
            String authz = saslName(authzField.substring(2));
            if (!authz.equalsIgnoreCase(login)) {
                result = new AuthResult.Failure(); // no master users: acting as another is refused
            }
        }
        nonce = clientNonce + serverNonce.get();
        credentials = lookup.apply(login);
        if (credentials == null) { // a directory without keys for this login: nothing can match
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            credentials = new ScramCredentials(Arrays.copyOf(k, 16), 4096, k, k, null);
        }
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(credentials.salt()) + ",i="
                + credentials.iterations();
        return serverFirst;
    }

    /**
     * client-final-message → server-final-message ("v=" and the server's signature) when the
     * proof holds, else null; {@link #result} tells which.
     */
    public String last(byte[] message) throws SaslDecoder.InvalidResponse {
        if (serverFirst == null || proofTaken) {
            throw new IllegalStateException(serverFirst == null ? "first message not taken" : "proof already taken");
        }
        proofTaken = true;
        String m = text(message);
        int p = m.lastIndexOf(",p=");
        if (p < 0) {
            throw new SaslDecoder.InvalidResponse("malformed SCRAM final message");
        }
        String withoutProof = m.substring(0, p);
        String[] f = withoutProof.split(",", -1);
        if (f.length < 2 || !f[0].startsWith("c=") || !f[1].startsWith("r=")) {
            throw new SaslDecoder.InvalidResponse("malformed SCRAM final message");
        }
        byte[] binding;
        byte[] proof;
        try {
            binding = Base64.getDecoder().decode(f[0].substring(2));
            proof = Base64.getDecoder().decode(m.substring(p + 3));
        } catch (IllegalArgumentException e) {
            throw new SaslDecoder.InvalidResponse("invalid base64 in SCRAM final message");
        }
        if (!MessageDigest.isEqual(binding, gs2Header.getBytes(StandardCharsets.UTF_8))) {
            throw new SaslDecoder.InvalidResponse("SCRAM channel binding does not match");
        }
        if (!f[1].substring(2).equals(nonce)) {
            throw new SaslDecoder.InvalidResponse("SCRAM nonce does not match");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = ScramCredentials.hmac(credentials.storedKey(), authMessage);
        boolean ok = proof.length == signature.length;
        if (ok) {
            byte[] clientKey = new byte[proof.length];
            for (int i = 0; i < proof.length; i++) {
                clientKey[i] = (byte) (proof[i] ^ signature[i]);
            }
            ok = MessageDigest.isEqual(ScramCredentials.sha256(clientKey), credentials.storedKey());
        }
        if (ok && result == null && credentials.user() != null) {
            result = new AuthResult.Success(credentials.user());
            return "v=" + Base64.getEncoder().encodeToString(ScramCredentials.hmac(credentials.serverKey(), authMessage));
        }
        result = new AuthResult.Failure();
        return null;
    }

    private static String text(byte[] message) throws SaslDecoder.InvalidResponse {
        if (message.length == 0 || message.length > MAX_MESSAGE) {
            throw new SaslDecoder.InvalidResponse(message.length == 0 ? "empty SCRAM message" : "SCRAM message too long");
        }
        return SaslDecoder.utf8(message, 0, message.length, MAX_MESSAGE);
    }

    /** saslname: "=2C" is ",", "=3D" is "=", any other "=" is an error. */
    private static String saslName(String s) throws SaslDecoder.InvalidResponse {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=') {
                if (s.startsWith("=2C", i)) {
                    sb.append(',');
                } else if (s.startsWith("=3D", i)) {
                    sb.append('=');
                } else {
                    throw new SaslDecoder.InvalidResponse("malformed SCRAM name");
                }
                i += 2;
            } else {
                sb.append(c);
            }
        }
        if (sb.isEmpty()) {
            throw new SaslDecoder.InvalidResponse("empty SCRAM name");
        }
        return sb.toString();
    }
}
