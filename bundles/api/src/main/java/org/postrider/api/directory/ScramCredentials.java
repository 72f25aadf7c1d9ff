package org.postrider.api.directory;

/**
 * What a server keeps to check a SCRAM-SHA-256 login (RFC 5802, RFC 7677) without knowing
 * the password: the salt and iteration count the client needs, and the two keys derived
 * from the salted password.
 *
 * @param salt       sent to the client
 * @param iterations sent to the client
 * @param storedKey  H(HMAC(SaltedPassword, "Client Key")), checks the client's proof
 * @param serverKey  HMAC(SaltedPassword, "Server Key"), signs the server's answer
 * @param user       the user on success; null for an unknown login, whose made-up keys
 *                   match no proof
 */
public record ScramCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey, User user) {
}
