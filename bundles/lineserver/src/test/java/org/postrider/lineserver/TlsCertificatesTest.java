package org.postrider.lineserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;

class TlsCertificatesTest {
    @Test
    void listenerGroupsOfTheSameFilesShareOneLoadUntilTheFilesChange() throws Exception {
        Path dir = Files.createTempDirectory("tls");
        Path ks = dir.resolve("server.p12");
        TlsCertificates.createSelfSigned(ks, "localhost");
        String pw = new String(TlsCertificates.SELF_SIGNED_PASSWORD);
        TlsCertificates smtp = TlsCertificates.of("", "", ks.toString(), pw, dir, "localhost");
        TlsCertificates imap = TlsCertificates.of("", "", ks.toString(), pw, dir, "localhost");
        assertNotNull(smtp.get());
        assertSame(smtp.keys(), imap.keys(), "loaded (parsed, probe signed and verified) once for both");

        Path copy = dir.resolve("copy.p12");
        Files.copy(ks, copy);
        Files.move(copy, ks, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(ks, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        TlsCertificates pop3 = TlsCertificates.of("", "", ks.toString(), pw, dir, "localhost");
        assertNotSame(smtp.keys(), pop3.keys(), "a changed file is loaded again");
    }

    @Test
    void aPemPairIsServedFromItsInMemoryKeystoreAndSharedToo() throws Exception {
        Path dir = Files.createTempDirectory("tls");
        Path p12 = dir.resolve("made.p12");
        TlsCertificates.createSelfSigned(p12, "localhost");
        java.security.KeyStore made = java.security.KeyStore.getInstance(p12.toFile(),
                TlsCertificates.SELF_SIGNED_PASSWORD);
        java.security.PrivateKey key = (java.security.PrivateKey) made.getKey("postrider",
                TlsCertificates.SELF_SIGNED_PASSWORD);
        java.util.Base64.Encoder b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes());
        Path cert = dir.resolve("cert.pem");
        Path keyFile = dir.resolve("key.pem");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                + b64.encodeToString(made.getCertificate("postrider").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + b64.encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");

        TlsCertificates smtp = TlsCertificates.of(cert.toString(), keyFile.toString(), "", "", dir, "localhost");
        TlsCertificates imap = TlsCertificates.of(cert.toString(), keyFile.toString(), "", "", dir, "localhost");
        assertNotNull(smtp.get());
        assertSame(smtp.keys(), imap.keys());
        javax.net.ssl.X509KeyManager km = (javax.net.ssl.X509KeyManager) smtp.keys()[0];
        assertEquals(key, km.getPrivateKey("postrider"), "the key comes back out of the in-memory keystore");
    }
}
