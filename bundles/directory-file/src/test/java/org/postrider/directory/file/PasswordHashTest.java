package org.postrider.directory.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
        PasswordHash.Keys a1 = PasswordHash.madeUp(secret, "nobody@example.org", PasswordHash.DEFAULT_ITERATIONS);
        PasswordHash.Keys a2 = PasswordHash.madeUp(secret, "nobody@example.org", PasswordHash.DEFAULT_ITERATIONS);
        PasswordHash.Keys b = PasswordHash.madeUp(secret, "someone@example.org", PasswordHash.DEFAULT_ITERATIONS);
        assertArrayEquals(a1.salt(), a2.salt());
        assertNotEquals(Base64.getEncoder().encodeToString(a1.salt()), Base64.getEncoder().encodeToString(b.salt()));
        String user = PasswordHash.hash("pw".toCharArray(), PasswordHash.DEFAULT_ITERATIONS);
        assertEquals(PasswordHash.parse(user).iterations(), a1.iterations(), "a stranger's cost looks like a user's");
        assertEquals(PasswordHash.parse(user).salt().length, a1.salt().length);
        assertEquals(8192, PasswordHash.madeUp(secret, "nobody@example.org", 8192).iterations(),
                "at the configured count, as new users' hashes");
    }

    @Test
    void theDefaultCountIsOneLibsasl2ClientsTake() {
        // Cyrus SASL's SCRAM client refuses more than 65536 (and then hangs): mbsync and others.
        assertTrue(PasswordHash.DEFAULT_ITERATIONS <= 65_536 && PasswordHash.DEFAULT_ITERATIONS >= 4096);
        assertTrue(PasswordHash.hash("pw".toCharArray(), PasswordHash.DEFAULT_ITERATIONS).startsWith("scram-sha-256$65536$"));
    }

    @Test
    void madeUpKeysMatchNoPassword() {
        PasswordHash.Keys k = PasswordHash.madeUp(new byte[32], "nobody@example.org", 4096);
        assertFalse(PasswordHash.verify("".toCharArray(), k, true));
        assertFalse(PasswordHash.verify("nobody".toCharArray(), k, true));
    }

    @Test
    void aHashIsCurrentOnlyInTheSchemeAndCountConfigured() {
        String h = PasswordHash.hash("pencil".toCharArray(), RFC7677_SALT, 4096);
        assertTrue(PasswordHash.current(h, 4096));
        assertFalse(PasswordHash.current(h, 40960));
        assertFalse(PasswordHash.current(h, 409));
        assertFalse(PasswordHash.current("pbkdf2-sha256$4096$W22ZaJ0SNY7soEsUEjb6gQ$xKSVEDI6tPlSysH6mUQZOeeOp01r6B3fcJbodRPcYV0", 4096));
    }
}
