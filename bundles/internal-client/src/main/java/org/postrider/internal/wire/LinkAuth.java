package org.postrider.internal.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proofs of server-link authentication (spec section 4.1): the HMAC over both nonces,
 * both names and the server certificate's hash, in each direction, and certificate
 * fingerprints. Compared in constant time.
 */
public final class LinkAuth {
    private static final byte[] LABEL = "postrider-internal-1".getBytes(StandardCharsets.US_ASCII);

    private LinkAuth() {
    }

    public static byte[] transcript(byte[] nonceClient, byte[] nonceServer, String clientName, String serverName,
            byte[] certHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(LABEL);
        out.writeBytes(nonceClient);
        out.writeBytes(nonceServer);
        str(out, clientName);
        str(out, serverName);
        out.writeBytes(certHash);
        return out.toByteArray();
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >>> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    /** @param side "client" or "server" */
    public static byte[] mac(byte[] secret, String side, byte[] transcript) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(secret, "HmacSHA256"));
            m.update(side.getBytes(StandardCharsets.US_ASCII));
            return m.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public static boolean same(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }

    public static byte[] sha256(Certificate c) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The fingerprint as the registry writes it: lower-case hex, no colons. */
    public static String fingerprint(Certificate c) {
        return HexFormat.of().formatHex(sha256(c));
    }
}
