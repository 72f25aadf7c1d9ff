package org.postrider.lineserver.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.ScramCredentials;
import org.postrider.api.directory.User;

/** The server side against RFC 7677's example exchange (user "user", password "pencil"). */
class ScramServerTest {
    static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final User USER = new User("user", null, "athena", 0, 0);

    static ScramCredentials pencil(User user) throws Exception {
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec("pencil".toCharArray(), SALT, 4096, 256)).getEncoded();
        byte[] stored = MessageDigest.getInstance("SHA-256").digest(hmac(salted, "Client Key"));
        return new ScramCredentials(SALT, 4096, stored, hmac(salted, "Server Key"), user);
    }

    static byte[] hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    /** What a client sends: ClientKey XOR HMAC(StoredKey, AuthMessage). */
    static String proof(String password, String authMessage) throws Exception {
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), SALT, 4096, 256)).getEncoded();
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] signature = hmac(MessageDigest.getInstance("SHA-256").digest(clientKey), authMessage);
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= signature[i];
        }
        return Base64.getEncoder().encodeToString(clientKey);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ScramServer server(ScramCredentials c) {
        return new ScramServer(login -> login.equals("user") ? c : null, () -> SERVER_NONCE);
    }

    @Test
    void theRfc7677ExchangeSucceedsWithTheRfcsServerSignature() throws Exception {
        ScramServer s = server(pencil(USER));
        assertEquals("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                s.first(b(CLIENT_FIRST)));
        assertEquals("user", s.login());
        assertEquals("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", s.last(b(CLIENT_FINAL)));
        assertEquals(new AuthResult.Success(USER), s.result());
    }

    @Test
    void aWrongProofAnUnknownUserAndAForeignAuthzidFail() throws Exception {
        ScramServer wrong = server(pencil(USER));
        wrong.first(b(CLIENT_FIRST));
        assertNull(wrong.last(b(CLIENT_FINAL.replace("p=dHzb", "p=dHzc"))));
        assertInstanceOf(AuthResult.Failure.class, wrong.result());

        ScramServer stranger = server(pencil(null)); // the directory's made-up keys carry no user
        stranger.first(b(CLIENT_FIRST));
        assertNull(stranger.last(b(CLIENT_FINAL)));
        assertInstanceOf(AuthResult.Failure.class, stranger.result());

        // A right password, but asking to act as another user: refused all the same.
        ScramServer actAs = server(pencil(USER));
        String serverFirst = actAs.first(b("n,a=admin,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(b("n,a=admin,"))
                + ",r=rOprNGfwEbeRWgbNEkqO" + SERVER_NONCE;
        String proof = proof("pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO," + serverFirst + "," + withoutProof);
        assertNull(actAs.last(b(withoutProof + ",p=" + proof)));
        assertInstanceOf(AuthResult.Failure.class, actAs.result());
        ScramServer self = server(pencil(USER)); // the same exchange acting as itself passes
        serverFirst = self.first(b("n,a=user,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        withoutProof = "c=" + Base64.getEncoder().encodeToString(b("n,a=user,")) + ",r=rOprNGfwEbeRWgbNEkqO"
                + SERVER_NONCE;
        proof = proof("pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO," + serverFirst + "," + withoutProof);
        self.last(b(withoutProof + ",p=" + proof));
        assertEquals(new AuthResult.Success(USER), self.result());
    }

    @Test
    void aDirectoryWithoutKeysForTheLoginFailsWithoutError() throws Exception {
        ScramServer s = server(pencil(USER));
        String first = s.first(b("n,,n=nobody,r=abc"));
        assertEquals("r=abc" + SERVER_NONCE, first.substring(0, first.indexOf(',')));
        assertNull(s.last(b("c=biws,r=abc" + SERVER_NONCE + ",p=AAAA")));
        assertInstanceOf(AuthResult.Failure.class, s.result());
    }

    @Test
    void malformedOrMismatchedMessagesAreRefused() throws Exception {
        for (String bad : new String[] {"", "n", "n,,", "x,,n=user,r=a", "p=tls-unique,,n=user,r=a",
                "n,,m=ext,n=user,r=a", "n,,n=user", "n,,n=,r=a", "n,,n=us=xer,r=a", "n,,r=a,n=user",
                "n,b=c,n=user,r=a", "n,,n=user,r=a\u0001"}) {
            assertThrows(SaslDecoder.InvalidResponse.class, () -> server(pencil(USER)).first(b(bad)), bad);
        }
        String[] badFinals = {"c=biws,r=rOprNGfwEbeRWgbNEkqO", // no proof
            "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA", // binding says y,,
            "c=biws,r=rOprNGfwEbeRWgbNEkqOother,p=AAAA", // nonce not ours
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!!!", // proof not base64
            "r=x,c=biws,p=AAAA"};
        for (String bad : badFinals) {
            ScramServer s = server(pencil(USER));
            s.first(b(CLIENT_FIRST));
            assertThrows(SaslDecoder.InvalidResponse.class, () -> s.last(b(bad)), bad);
        }
    }

    @Test
    void escapedNamesAreDecoded() throws Exception {
        ScramServer s = server(pencil(USER));
        s.first(b("y,,n=a=2Cb=3Dc,r=xyz"));
        assertEquals("a,b=c", s.login());
    }
}
