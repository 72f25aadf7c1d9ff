package org.postrider.directory.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class PasswordHashTest {
    private static final byte[] RFC7677_SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final String RFC7677_AUTH_MESSAGE = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

    private static byte[] hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theStoredKeysAreScramSha256sAsInRfc7677() throws Exception {
        PasswordHash.Keys k = PasswordHash.parse(PasswordHash.hash("pencil".toCharArray(), RFC7677_SALT, 4096));
        // The RFC's server signature over its exchange, made from the ServerKey we store.
        assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                Base64.getEncoder().encodeToString(hmac(k.serverKey(), RFC7677_AUTH_MESSAGE)));
        assertEquals(4096, k.iterations());
        assertArrayEquals(RFC7677_SALT, k.salt());
    }

    @Test
    void aLegacyHashStillVerifiesAndGivesTheSameScramKeys() {
        // The first release stored the salted password itself (pbkdf2-sha256$...).
        String modern = PasswordHash.hash("pencil".toCharArray(), RFC7677_SALT, 4096);
        String legacy = "pbkdf2-sha256$4096$W22ZaJ0SNY7soEsUEjb6gQ$xKSVEDI6tPlSysH6mUQZOeeOp01r6B3fcJbodRPcYV0";
        assertTrue(PasswordHash.verify("pencil".toCharArray(), legacy));
        assertFalse(PasswordHash.verify("Pencil".toCharArray(), legacy));
        assertArrayEquals(PasswordHash.parse(modern).storedKey(), PasswordHash.parse(legacy).storedKey());
        assertArrayEquals(PasswordHash.parse(modern).serverKey(), PasswordHash.parse(legacy).serverKey());
    }

    @Test
    void passwordsAreSaslPreparedSoEquivalentSpellingsMatch() {
        String h = PasswordHash.hash("a\u00A0b\u00ADc\uFB01".toCharArray(), RFC7677_SALT, 4096);
        assertTrue(PasswordHash.verify("a bcfi".toCharArray(), h), "NBSP→space, soft hyphen dropped, ligature NFKC");
        assertFalse(PasswordHash.verify("abcfi".toCharArray(), h));
    }

    @Test
    void madeUpKeysAreStablePerLoginAndDifferBetweenLogins() {
        byte[] secret = new byte[32];
        PasswordHash.Keys a1 = PasswordHash.madeUp(secret, "nobody@example.org");
        PasswordHash.Keys a2 = PasswordHash.madeUp(secret, "nobody@example.org");
        PasswordHash.Keys b = PasswordHash.madeUp(secret, "someone@example.org");
        assertArrayEquals(a1.salt(), a2.salt());
        assertNotEquals(Base64.getEncoder().encodeToString(a1.salt()), Base64.getEncoder().encodeToString(b.salt()));
        assertEquals(PasswordHash.ITERATIONS, a1.iterations(), "a stranger's cost looks like a user's");
        assertEquals(16, a1.salt().length);
    }

    @Test
    void theDummyHashParses() {
        assertNotNull(PasswordHash.parse(PasswordHash.DUMMY));
        assertFalse(PasswordHash.verify("".toCharArray(), PasswordHash.DUMMY));
    }
}
