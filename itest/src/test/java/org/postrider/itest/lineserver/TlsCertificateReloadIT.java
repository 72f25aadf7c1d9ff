package org.postrider.itest.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * A certificate configured as PEM files is picked up live when the files change, as after a
 * renewal (certbot replaces them), by every listener that uses it; a broken replacement is
 * refused and the previous certificate kept.
 */
class TlsCertificateReloadIT {
    @RegisterExtension
    final Instances instances = new Instances();

    /** A new key and self-signed certificate for name, as name.key and name.crt in dir. */
    private static void makeCertificate(Path dir, String name) throws Exception {
        Exec.Result r = Exec.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=" + name, "-keyout",
                dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString()), dir, Map.of(),
                Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r.err());
    }

    /** Replaces as renewal tools do: a new file moved over the old one. */
    private static void replace(Path from, Path to) throws Exception {
        Files.copy(from, to.resolveSibling(".new"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(to.resolveSibling(".new"), to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The subject the server presents on an implicit-TLS port, and its first line. */
    private static String presented(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
            return peer.getSubjectX500Principal().getName() + " " + greeting.substring(0, 3);
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartAndABrokenOneIsRefused() throws Exception {
        Instance athena = instances.create("athena");
        Path tls = Files.createDirectories(athena.home().resolve("tls"));
        Path cert = tls.resolve("fullchain.pem");
        Path key = tls.resolve("privkey.pem");
        makeCertificate(tls, "first.example");
        makeCertificate(tls, "second.example");
        replace(tls.resolve("first.example.crt"), cert);
        replace(tls.resolve("first.example.key"), key);
        Map<String, String> files = Map.of("tls.certificate", cert.toString(), "tls.key", key.toString());
        athena.config("org.postrider.smtp", files);
        athena.config("org.postrider.pop3", files);
        athena.start();
        int smtps = athena.listenerPort("submissions");
        int pop3s = athena.listenerPort("pop3s");
        assertEquals("CN=first.example 220", presented(smtps));
        assertEquals("CN=first.example +OK", presented(pop3s));

        // Mid-renewal: the new key beside the old certificate is refused, the old pair kept.
        replace(tls.resolve("second.example.key"), key);
        Await.until("the half-renewed pair noticed", Duration.ofSeconds(15), () -> {
            assertEquals("CN=first.example 220", presented(smtps));
            return Files.readString(athena.home().resolve("data/log/postrider.log"));
        }, log -> log.contains("is not the one of the certificate"));
        assertEquals("CN=first.example +OK", presented(pop3s));
        replace(tls.resolve("second.example.crt"), cert);
        Await.until("SMTP serving the renewed certificate", Duration.ofSeconds(15), () -> presented(smtps),
                p -> p.equals("CN=second.example 220"));
        Await.until("POP3 serving the renewed certificate", Duration.ofSeconds(15), () -> presented(pop3s),
                p -> p.equals("CN=second.example +OK"));

        Path broken = tls.resolve("broken.pem");
        Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        replace(broken, cert);
        Await.until("the broken file noticed", Duration.ofSeconds(15), () -> {
            presented(smtps); // handshakes are what look at the files
            return Files.readString(athena.home().resolve("data/log/postrider.log")).lines()
                    .filter(l -> l.contains("cannot be loaded, keeping the previous one")
                            && !l.contains("is not the one of the certificate")).count();
        }, n -> n > 0);
        assertEquals("CN=second.example 220", presented(smtps));
        assertTrue(presented(pop3s).startsWith("CN=second.example"));
    }
}
