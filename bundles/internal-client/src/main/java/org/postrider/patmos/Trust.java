package org.postrider.patmos;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.postrider.internal.wire.LinkAuth;
import org.postrider.internal.wire.TrustByFingerprint;

/**
 * How the client knows it reached its server and not someone in the middle: the SHA-256 of
 * the server's certificate (as the organisation registry pins it), certificates of a PEM
 * file as trust anchors, or the JVM's CAs. With anchors the server's name is verified too.
 * There is no "trust anything": the password goes over this connection.
 */
public final class Trust {
    private final String pin;
    private final Path anchors;

    private Trust(String pin, Path anchors) {
        this.pin = pin;
        this.anchors = anchors;
    }

    /** The server's certificate is the one with this SHA-256 (64 hex digits, colons allowed). */
    public static Trust pin(String sha256) {
        String hex = sha256.replace(":", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a pin is the certificate's SHA-256: 64 hex digits");
        }
        return new Trust(hex, null);
    }

    /** The server's certificate chains to one of the certificates of this PEM file, and names the host. */
    public static Trust anchors(Path pem) {
        return new Trust(null, pem);
    }

    /** The server's certificate chains to a CA the JVM trusts, and names the host. */
    public static Trust system() {
        return new Trust(null, null);
    }

    SSLContext context() throws IOException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            if (pin != null) {
                ctx.init(null, new TrustManager[] {TrustByFingerprint.INSTANCE}, null);
                return ctx;
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (anchors == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                try (InputStream in = Files.newInputStream(anchors)) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        ks.setCertificateEntry("anchor" + i++, c);
                    }
                    if (i == 0) {
                        throw new IOException("no certificate in " + anchors);
                    }
                }
                tmf.init(ks);
            }
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** Before the handshake: the host name is checked unless the certificate is pinned. */
    void prepare(SSLSocket socket) {
        if (pin == null) {
            SSLParameters p = socket.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(p);
        }
    }

    /** After the handshake: a pinned certificate must be the one. */
    void check(SSLSocket socket) throws IOException {
        if (pin != null) {
            String seen = LinkAuth.fingerprint(socket.getSession().getPeerCertificates()[0]);
            if (!seen.equals(pin)) {
                throw new IOException("the server's certificate (SHA-256 " + seen + ") is not the pinned one");
            }
        }
    }
}
