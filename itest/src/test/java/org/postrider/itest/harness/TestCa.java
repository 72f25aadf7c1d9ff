package org.postrider.itest.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A private certificate authority made with openssl for one test, laid out as a real CA's
 * issue is: a root that clients trust ({@link #caFile()}), an intermediate, and a server
 * certificate for localhost and 127.0.0.1 whose chain (server then intermediate, as certbot's
 * fullchain.pem) and PKCS#8 key are what the {@code tls.certificate} and {@code tls.key} keys
 * of a listener name. A client that trusts only the root verifies the server only if the
 * server sends the intermediate too.
 */
public final class TestCa {
    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;

    private TestCa(Path dir) {
        this.dir = dir;
    }

    /** Makes the root, the intermediate and the server certificate in dir (created if needed). */
    public static TestCa create(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        TestCa ca = new TestCa(dir);
        ca.openssl("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
                "2", "-subj", "/O=Postrider tests/CN=" + name + " root", "-keyout", "root.key", "-out", "root.pem");
        ca.issue("intermediate", "/O=Postrider tests/CN=" + name + " intermediate", "root", """
                basicConstraints=critical,CA:TRUE,pathlen:0
                keyUsage=critical,keyCertSign,cRLSign
                subjectKeyIdentifier=hash
                authorityKeyIdentifier=keyid
                """);
        ca.issue("server", "/CN=localhost", "intermediate", """
                basicConstraints=critical,CA:FALSE
                keyUsage=critical,digitalSignature
                extendedKeyUsage=serverAuth
                subjectAltName=DNS:localhost,IP:127.0.0.1
                subjectKeyIdentifier=hash
                authorityKeyIdentifier=keyid
                """);
        Files.writeString(ca.certificateChain(), Files.readString(dir.resolve("server.pem"))
                + Files.readString(dir.resolve("intermediate.pem")));
        return ca;
    }

    private void issue(String name, String subject, String issuer, String extensions) throws Exception {
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", subject,
                "-keyout", name + ".key", "-out", name + ".csr");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
                "-set_serial", String.valueOf(System.nanoTime() & 0x7fffffffffffL), "-days", "2", "-extfile",
                name + ".ext", "-out", name + ".pem");
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Exec.run(cmd, dir, Map.of(), OPENSSL_TIMEOUT).ok();
    }

    /** The root certificate, PEM: what a client is told to trust. */
    public Path caFile() {
        return dir.resolve("root.pem");
    }

    /** The server certificate then the intermediate, PEM: the listener's {@code tls.certificate}. */
    public Path certificateChain() {
        return dir.resolve("fullchain.pem");
    }

    /** The server's private key, PEM PKCS#8: the listener's {@code tls.key}. */
    public Path key() {
        return dir.resolve("server.key");
    }

    /** The {@code tls.*} keys of a listener configuration that serve this CA's server certificate. */
    public Map<String, String> listenerKeys() {
        return Map.of("tls.certificate", certificateChain().toString(), "tls.key", key().toString());
    }
}
