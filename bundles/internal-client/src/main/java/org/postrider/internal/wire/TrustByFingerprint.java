package org.postrider.internal.wire;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Accepts any certificate in the handshake: on the internal transport a peer's certificate
 * is not judged by a CA but afterwards, by the organisation registry's fingerprint for the
 * name it claims or by the HMAC that covers the server certificate (spec section 4). No
 * authority is named, so a client presents its certificate whoever issued it.
 */
public final class TrustByFingerprint extends X509ExtendedTrustManager {
    public static final TrustByFingerprint INSTANCE = new TrustByFingerprint();

    private TrustByFingerprint() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
