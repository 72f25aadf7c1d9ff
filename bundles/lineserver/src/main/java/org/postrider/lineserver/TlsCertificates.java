package org.postrider.lineserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where listeners get their certificate: a PEM certificate chain and PKCS#8 key, or a
 * PKCS#12/JKS keystore, or, when neither is configured, a self-signed certificate made on
 * the first start with the JDK's keytool. The files are checked for changes at most once a
 * second and a changed certificate is loaded live; if it cannot be read, the previous one
 * stays in use and the error is logged. The self-signed certificate is made in the
 * background a few seconds after start, so listeners bind at once and start-up is not
 * slowed; a TLS handshake that comes first makes it at once and waits for it (about 1 s).
 */
public final class TlsCertificates implements Supplier<SSLContext> {
    private static final Logger LOG = LoggerFactory.getLogger(TlsCertificates.class);
    static final String SELF_SIGNED = "selfsigned.p12";
    static final char[] SELF_SIGNED_PASSWORD = "postrider".toCharArray();

    private static final long SELF_SIGNED_DELAY_MILLIS = 5000;
    /** Starts making a self-signed certificate now, if it has not started yet. */
    private static final java.util.Map<Path, Runnable> KICKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Self-signed certificates being made, one per file, shared by every listener. */
    private static final java.util.Map<Path, java.util.concurrent.CompletableFuture<Void>> MAKING =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Key material as loaded from the same files in the same state, shared by every listener
     * group: a load parses the files and signs and verifies a probe with the key, which at
     * start, before the JIT has compiled the EC code, cost each of the four groups (SMTP,
     * IMAP, POP3, internal) tens of milliseconds of the start thread.
     */
    private static final java.util.Map<List<Path>, Loaded> LOADED = new java.util.concurrent.ConcurrentHashMap<>();

    private record Loaded(long stamp, KeyManager[] keys) {
    }

    private final List<Path> files;
    private final Loader loader;
    private volatile java.util.concurrent.CompletableFuture<Void> pending;
    private volatile SSLContext context;
    private volatile long stamp;
    private volatile long checked;

    @FunctionalInterface
    private interface Loader {
        KeyManager[] load() throws IOException, GeneralSecurityException;
    }

    /** The key managers of the current certificate, for contexts with another trust policy. */
    private volatile KeyManager[] keys;

    private TlsCertificates(List<Path> files, Loader loader, java.util.concurrent.CompletableFuture<Void> pending)
            throws IOException, GeneralSecurityException {
        this.files = files;
        this.loader = loader;
        this.pending = pending;
        if (pending == null) {
            long s = stamp(); // before the load: a change while loading is seen at the next check
            install(load(s));
            this.stamp = s;
        }
    }

    /** The key managers of the files in the state {@code s}, loaded once for all the groups that use them. */
    private KeyManager[] load(long s) throws IOException, GeneralSecurityException {
        Loaded l = LOADED.get(files);
        if (l != null && l.stamp() == s) {
            return l.keys();
        }
        KeyManager[] km = loader.load();
        LOADED.put(files, new Loaded(s, km));
        return km;
    }

    /** The key managers in use (for tests). */
    KeyManager[] keys() {
        return keys;
    }

    /**
     * @param certificate PEM chain, or empty
     * @param key         PEM PKCS#8 private key, or empty
     * @param keystore    PKCS#12 or JKS file, or empty
     * @param password    the keystore's password
     * @param dataDir     where a self-signed certificate is kept when nothing is configured
     * @param hostName    the name the self-signed certificate is for
     */
    public static TlsCertificates of(String certificate, String key, String keystore, String password, Path dataDir,
            String hostName) throws IOException, GeneralSecurityException {
        if (!certificate.isBlank() && !key.isBlank()) {
            Path c = Path.of(certificate);
            Path k = Path.of(key);
            return new TlsCertificates(List.of(c, k), () -> fromPem(c, k), null);
        }
        if (!keystore.isBlank()) {
            Path ks = Path.of(keystore);
            return new TlsCertificates(List.of(ks), () -> fromKeystore(ks, password.toCharArray()), null);
        }
        Path self = dataDir.resolve(SELF_SIGNED).toAbsolutePath();
        java.util.concurrent.CompletableFuture<Void> making = null;
        if (!Files.exists(self)) {
            making = MAKING.computeIfAbsent(self, f -> {
                java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
                java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
                Runnable make = () -> {
                    if (started.compareAndSet(false, true)) {
                        try {
                            createSelfSigned(f, hostName);
                            done.complete(null);
                        } catch (IOException | RuntimeException e) {
                            done.completeExceptionally(e);
                        }
                    }
                };
                KICKS.put(f, make);
                // Not during start-up: keytool is a JVM of its own and would slow the start on
                // small machines. A TLS handshake before then starts it at once (see get()).
                Thread.ofVirtual().name("tls-selfsigned").start(() -> {
                    try {
                        Thread.sleep(SELF_SIGNED_DELAY_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    make.run();
                });
                return done;
            });
        }
        return new TlsCertificates(List.of(self), () -> fromKeystore(self, SELF_SIGNED_PASSWORD), making);
    }

    @Override
    public SSLContext get() {
        java.util.concurrent.CompletableFuture<Void> p = pending;
        if (p != null) {
            awaitSelfSigned(p);
        }
        long now = System.currentTimeMillis();
        if (now - checked > 1000) {
            checked = now;
            long s = stamp();
            if (s != stamp) {
                try {
                    install(load(s));
                    stamp = s;
                    LOG.info("TLS certificate reloaded from {}", files);
                } catch (IOException | GeneralSecurityException e) {
                    LOG.error("TLS certificate in {} cannot be loaded, keeping the previous one: {}", files,
                            e.getMessage());
                }
            }
        }
        return context;
    }

    private synchronized void awaitSelfSigned(java.util.concurrent.CompletableFuture<Void> p) {
        if (pending == null) {
            return;
        }
        try {
            Runnable kick = KICKS.get(files.get(0));
            if (kick != null && !p.isDone()) {
                Thread.ofVirtual().start(kick); // a client is waiting: make it now
            }
            p.join();
            long s = stamp();
            install(load(s));
            stamp = s;
            pending = null;
        } catch (RuntimeException | IOException | GeneralSecurityException e) {
            LOG.error("No TLS certificate: the self-signed one could not be made: {}", e.getMessage());
        }
    }

    private void install(KeyManager[] km) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(km, null, null);
        keys = km;
        context = ctx;
    }

    /**
     * A context with the current certificate and another trust policy: the internal
     * transport presents its certificate as a client too, and checks a peer's certificate by
     * its registered fingerprint instead of a CA. Made afresh for each call; callers keep it
     * while {@link #get()} returns the same context.
     */
    public SSLContext withTrust(javax.net.ssl.TrustManager trust) throws GeneralSecurityException {
        if (get() == null) {
            throw new GeneralSecurityException("no TLS certificate available");
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, new javax.net.ssl.TrustManager[] {trust}, null);
        return ctx;
    }

    private long stamp() {
        long s = 0;
        for (Path f : files) {
            try {
                s = s * 31 + Files.getLastModifiedTime(f).toMillis() + Files.size(f);
            } catch (IOException e) {
                s = s * 31 - 1;
            }
        }
        return s;
    }

    static KeyManager[] fromKeystore(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(file.toFile(), password);
        return context(ks, password);
    }

    static KeyManager[] fromPem(Path certificate, Path key) throws IOException, GeneralSecurityException {
        List<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(certificate)) {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        }
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + certificate);
        }
        PrivateKey pk = privateKey(Files.readString(key, StandardCharsets.US_ASCII));
        requireMatch(pk, chain.get(0).getPublicKey(), certificate, key);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "in-memory".toCharArray();
        // A keystore only in memory, beside the key it holds: its protection needs no 10,000
        // rounds of PBKDF2 (the default), to wrap the key and again to unwrap it, about 0.2 s
        // of the start thread per load before the JIT compiles SHA-256
        ks.setEntry("postrider", new KeyStore.PrivateKeyEntry(pk, chain.toArray(Certificate[]::new)),
                new KeyStore.PasswordProtection(pw, "PBEWithHmacSHA256AndAES_256",
                        new javax.crypto.spec.PBEParameterSpec(new byte[16], 1)));
        return context(ks, pw);
    }

    /**
     * Refuses a key that is not the certificate's: mid-renewal, one file may already be new
     * and the other not, and such a pair would fail every handshake.
     */
    private static void requireMatch(PrivateKey pk, java.security.PublicKey pub, Path certificate, Path key)
            throws GeneralSecurityException {
        String alg = switch (pk.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> pk.getAlgorithm();
        };
        byte[] probe = "postrider key check".getBytes(StandardCharsets.US_ASCII);
        java.security.Signature sign = java.security.Signature.getInstance(alg);
        sign.initSign(pk);
        sign.update(probe);
        byte[] signature = sign.sign();
        java.security.Signature verify = java.security.Signature.getInstance(alg);
        try {
            verify.initVerify(pub);
            verify.update(probe);
            if (verify.verify(signature)) {
                return;
            }
        } catch (java.security.InvalidKeyException e) {
            // another algorithm: not the certificate's key either
        }
        throw new GeneralSecurityException("the key in " + key + " is not the one of the certificate in " + certificate);
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < 0) {
            throw new GeneralSecurityException("the key must be PEM PKCS#8 (BEGIN PRIVATE KEY); convert with "
                    + "openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new GeneralSecurityException("unsupported private key algorithm");
    }

    private static KeyManager[] context(KeyStore ks, char[] password) throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        return kmf.getKeyManagers();
    }

    /** Makes an EC P-256 self-signed certificate for the host name, localhost and loopback, with keytool. */
    static void createSelfSigned(Path file, String hostName) throws IOException {
        Files.createDirectories(file.getParent());
        // keytool creates its file with the process umask: let it write inside a directory only we
        // can enter, so the private key is never readable by others, not even for a moment
        Path privateDir = file.resolveSibling(".keytool");
        if (Files.exists(privateDir)) {
            try (var old = Files.list(privateDir)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(privateDir);
        }
        Files.createDirectory(privateDir, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path tmp = privateDir.resolve(SELF_SIGNED);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String host = hostName.replaceAll("[^A-Za-z0-9.-]", "");
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "postrider", "-keyalg", "EC", "-groupname",
                "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "3650", "-dname", "CN=" + host,
                "-ext", "SAN=dns:" + host + ",dns:localhost,ip:127.0.0.1,ip:::1", "-keystore", tmp.toString(),
                "-storetype", "PKCS12", "-storepass", new String(SELF_SIGNED_PASSWORD), "-keypass",
                new String(SELF_SIGNED_PASSWORD)).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool could not create a certificate: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating a certificate", e);
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.delete(privateDir);
        LOG.warn("No TLS certificate configured: created a self-signed one for {} in {}", host, file);
    }
}
