package org.postrider.directory.file;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.postrider.api.directory.ScramCredentials;

/**
 * Salted slow password hashes: PBKDF2-HMAC-SHA256 with 600,000 iterations, OWASP's current
 * figure for this function. Chosen over Argon2id because the JDK has it (no crypto library
 * to ship and keep patched), and because PBKDF2-HMAC-SHA256 is SCRAM-SHA-256's Hi(): what is
 * stored is SCRAM's StoredKey and ServerKey (RFC 5802), which check a plain password as well
 * as a SCRAM proof, and let no one log in who steals them (the salted password itself would).
 * The stored form names the scheme and cost, so a stronger one can come later.
 * <p>
 * Format: {@code scram-sha-256$ITERATIONS$SALT$STOREDKEY$SERVERKEY} (base64). Hashes of the
 * first release, {@code pbkdf2-sha256$ITERATIONS$SALT$SALTEDPASSWORD}, are still read.
 */
final class PasswordHash {
    static final String SCHEME = "scram-sha-256";
    static final String LEGACY_SCHEME = "pbkdf2-sha256";
    static final int ITERATIONS = 600_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Verified against when a user does not exist, so that both cases cost the same: random
     * keys no password gives (a literal, so no start pays for making it).
     */
    static final String DUMMY = "scram-sha-256$600000$GeF9jc3NMe/mcFT9kANmiw$J8Ee2frYZI7mnar5vmCV3rxDx3wVFNp3xgG6/urONTQ"
            + "$fGf11+Xwxsc+fFeA9eWcXRXQx8d0YG5QLDUjd7HVbOs";

    /** SCRAM's server-side keys of one password. */
    record Keys(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    }

    private PasswordHash() {
    }

    static boolean known(String stored) {
        return stored.startsWith(SCHEME + "$") || stored.startsWith(LEGACY_SCHEME + "$");
    }

    static String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return hash(password, salt, ITERATIONS);
    }

    static String hash(char[] password, byte[] salt, int iterations) {
        char[] prepared = prepare(password);
        try {
            Keys k = keys(salt, iterations, derive(prepared, salt, iterations));
            Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
            return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                    + b64.encodeToString(k.storedKey()) + "$" + b64.encodeToString(k.serverKey());
        } finally {
            Arrays.fill(prepared, '\0');
        }
    }

    static boolean verify(char[] password, String stored) {
        Keys k = parse(stored);
        if (k == null) {
            return false;
        }
        char[] candidate = stored.startsWith(LEGACY_SCHEME + "$") ? password.clone() : prepare(password);
        try {
            Keys c = keys(k.salt(), k.iterations(), derive(candidate, k.salt(), k.iterations()));
            return MessageDigest.isEqual(k.storedKey(), c.storedKey());
        } finally {
            Arrays.fill(candidate, '\0');
        }
    }

    /** The SCRAM keys a stored hash holds (or, for a legacy hash, gives), null when malformed. */
    static Keys parse(String stored) {
        String[] p = stored.split("\\$");
        boolean legacy = p.length == 4 && LEGACY_SCHEME.equals(p[0]);
        if (!legacy && (p.length != 5 || !SCHEME.equals(p[0]))) {
            return null;
        }
        try {
            int iterations = Integer.parseInt(p[1]);
            if (iterations < 1 || iterations > 10_000_000) {
                return null;
            }
            Base64.Decoder d = Base64.getDecoder();
            byte[] salt = d.decode(p[2]);
            if (legacy) {
                return keys(salt, iterations, d.decode(p[3]));
            }
            return new Keys(salt, iterations, d.decode(p[3]), d.decode(p[4]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Keys for a login that does not exist: the same each time for the same login and
     * secret, so a prober sees a stable salt as for a real user, and no proof matches.
     */
    static Keys madeUp(byte[] secret, String login) {
        byte[] salt = Arrays.copyOf(ScramCredentials.hmac(secret, "salt " + login), SALT_BYTES);
        return new Keys(salt, ITERATIONS, ScramCredentials.hmac(secret, "stored " + login),
                ScramCredentials.hmac(secret, "server " + login));
    }

    private static Keys keys(byte[] salt, int iterations, byte[] saltedPassword) {
        ScramCredentials c = ScramCredentials.fromSaltedPassword(salt, iterations, saltedPassword, null);
        return new Keys(salt, iterations, c.storedKey(), c.serverKey());
    }

    /** Hi() of RFC 5802; the JDK encodes the characters as UTF-8. */
    /** PBKDF2 iterations computed so far: what a test counts to see that every failure costs the same. */
    static final java.util.concurrent.atomic.LongAdder ITERATIONS_DONE = new java.util.concurrent.atomic.LongAdder();

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        ITERATIONS_DONE.add(iterations);
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }

    /**
     * SASLprep (RFC 4013) as SCRAM clients apply it to the password: non-ASCII spaces become
     * spaces, characters "mapped to nothing" go, then NFKC. Its prohibitions need no check
     * here: the SASL decoder already refuses control characters.
     */
    static char[] prepare(char[] password) {
        StringBuilder sb = new StringBuilder(password.length);
        for (char c : password) {
            if (c == '\u00A0' || c == '\u1680' || (c >= '\u2000' && c <= '\u200A') || c == '\u202F' || c == '\u205F'
                    || c == '\u3000') {
                sb.append(' ');
            } else if (!(c == '\u00AD' || c == '\u034F' || c == '\u1806' || (c >= '\u180B' && c <= '\u180D')
                    || (c >= '\u200B' && c <= '\u200D') || c == '\u2060' || (c >= '\uFE00' && c <= '\uFE0F')
                    || c == '\uFEFF')) {
                sb.append(c);
            }
        }
        String normalized = Normalizer.normalize(sb, Normalizer.Form.NFKC);
        sb.setLength(0);
        return normalized.toCharArray();
    }

    /** A random password for generated accounts: 20 characters, about 119 bits. */
    static String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
