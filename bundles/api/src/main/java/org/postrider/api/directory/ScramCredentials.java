package org.postrider.api.directory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a server keeps to check a SCRAM-SHA-256 login (RFC 5802, RFC 7677) without knowing
 * the password: the salt and iteration count the client needs, and the two keys derived
 * from the salted password. The static methods are SCRAM's arithmetic, in one place for
 * directories and servers.
 *
 * @param salt       sent to the client
 * @param iterations sent to the client
 * @param storedKey  H(HMAC(SaltedPassword, "Client Key")), checks the client's proof
 * @param serverKey  HMAC(SaltedPassword, "Server Key"), signs the server's answer
 * @param user       the user on success; null for an unknown login, whose made-up keys
 *                   match no proof
 */
public record ScramCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey, User user) {
    /** The keys of a salted password (PBKDF2-HMAC-SHA256 of the password, SCRAM's Hi()). */
    public static ScramCredentials fromSaltedPassword(byte[] salt, int iterations, byte[] saltedPassword, User user) {
        return new ScramCredentials(salt, iterations, sha256(hmac(saltedPassword, "Client Key")),
                hmac(saltedPassword, "Server Key"), user);
    }

    /** HMAC-SHA-256 of a text in UTF-8. */
    public static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
