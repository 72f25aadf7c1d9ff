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
 * Salted slow password hashes: PBKDF2-HMAC-SHA256, by default with 65,536 iterations.
 * Chosen over Argon2id because the JDK has it (no crypto library to ship and keep patched),
 * and because PBKDF2-HMAC-SHA256 is SCRAM-SHA-256's Hi(): what is stored is SCRAM's
 * StoredKey and ServerKey (RFC 5802), which check a plain password as well as a SCRAM
 * proof, and let no one log in who steals them (the salted password itself would).
 * <p>
 * Why not OWASP's 600,000: in SCRAM the iteration count is computed by the client too, and
 * Cyrus SASL (libsasl2, behind mbsync, KMail, Postfix's SMTP client, NeoMutt built with it)
 * refuses a count above 65536, then hangs. 65,536 is that limit, 16 times RFC 7677's 4096
 * (Dovecot's SCRAM default is 4096). The price is plain: a stolen directory file costs an
 * attacker about a ninth of the guessing work per password that 600,000 would. The count is
 * configurable ({@code passwordIterations}), and each hash carries its own, so a directory
 * whose clients all take more can raise it, and every stored count is still read; a user's
 * hash is redone at the configured count at their next password login.
 * <p>
 * Format: {@code scram-sha-256$ITERATIONS$SALT$STOREDKEY$SERVERKEY} (base64). Hashes of the
 * first release, {@code pbkdf2-sha256$ITERATIONS$SALT$SALTEDPASSWORD}, are still read.
 */
final class PasswordHash {
    static final String SCHEME = "scram-sha-256";
    static final String LEGACY_SCHEME = "pbkdf2-sha256";
    /** The libsasl2 SCRAM client's maximum, so that its users can log in (see above). */
    static final int DEFAULT_ITERATIONS = 65_536;
    /** RFC 7677's minimum. */
    static final int MIN_ITERATIONS = 4096;
    /** The most a stored hash may ask for: bounds the work one login can cost. */
    static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** SCRAM's server-side keys of one password. */
    record Keys(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {
    }

    private PasswordHash() {
    }

    static boolean known(String stored) {
        return stored.startsWith(SCHEME + "$") || stored.startsWith(LEGACY_SCHEME + "$");
    }

    static String hash(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return hash(password, salt, iterations);
    }

    /** Whether a stored hash is of the current scheme at this count (else a login redoes it). */
    static boolean current(String stored, int iterations) {
        return stored.startsWith(SCHEME + "$" + iterations + "$");
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
        return k != null && verify(password, k, !stored.startsWith(LEGACY_SCHEME + "$"));
    }

    /** @param saslPrep whether the keys were made from the SASLprepared password (all but legacy ones) */
    static boolean verify(char[] password, Keys k, boolean saslPrep) {
        char[] candidate = saslPrep ? prepare(password) : password.clone();
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
            if (iterations < 1 || iterations > MAX_ITERATIONS) {
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
     * secret, so a prober sees a stable salt as for a real user, and no proof or password
     * matches. At the configured count, so that a stranger costs and looks like a user.
     */
    static Keys madeUp(byte[] secret, String login, int iterations) {
        byte[] salt = Arrays.copyOf(ScramCredentials.hmac(secret, "salt " + login), SALT_BYTES);
        return new Keys(salt, iterations, ScramCredentials.hmac(secret, "stored " + login),
                ScramCredentials.hmac(secret, "server " + login));
    }

    private static Keys keys(byte[] salt, int iterations, byte[] saltedPassword) {
        ScramCredentials c = ScramCredentials.fromSaltedPassword(salt, iterations, saltedPassword, null);
        return new Keys(salt, iterations, c.storedKey(), c.serverKey());
    }

    /** PBKDF2 iterations computed so far: what a test counts to see that every failure costs the same. */
    static final java.util.concurrent.atomic.LongAdder ITERATIONS_DONE = new java.util.concurrent.atomic.LongAdder();

    /** Hi() of RFC 5802; the JDK encodes the characters as UTF-8. */
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
