package org.postrider.directory.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.address.Domain;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.ScramCredentials;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.Resolution;
import org.postrider.api.directory.User;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Directory: the whole directory in memory as an immutable snapshot, every
 * change written durably to one file before it is published. On a first start with no
 * file it creates the organisation's default domain and a postmaster account whose random
 * password is written once to a file only the owner can read.
 */
@Component(service = {Directory.class, FileDirectory.class}, configurationPid = "org.postrider.directory.file")
@Designate(ocd = FileDirectory.Config.class)
public class FileDirectory implements Directory {
    private static final Logger LOG = LoggerFactory.getLogger(FileDirectory.class);

    @ObjectClassDefinition(name = "Postrider file directory")
    public @interface Config {
        @AttributeDefinition(description = "The directory file")
        String file() default "data/directory/directory.txt";

        @AttributeDefinition(description = "The domain created on first start, with its postmaster account")
        String defaultDomain() default "example.org";

        @AttributeDefinition(description = "Subaddress delimiter: alice+tag@ reaches alice@; empty to turn off")
        String recipientDelimiter() default "+";

        @AttributeDefinition(description = "PBKDF2 iterations of new password hashes, also offered to SCRAM-SHA-256"
                + " clients, who compute as many; a user's hash is redone at this count at their next login with a"
                + " password (PLAIN, LOGIN). Above 65536, libsasl2 SCRAM clients (mbsync, KMail, Postfix's SMTP"
                + " client, NeoMutt built with Cyrus SASL) cannot log in with SCRAM-SHA-256",
                min = "4096", max = "10000000")
        int passwordIterations() default PasswordHash.DEFAULT_ITERATIONS;

        @AttributeDefinition(description = "How long a verified password login is remembered (Dovecot's auth_cache_ttl):"
                + " the same user with the same password within it is answered without the slow hash. Never past a"
                + " change of the password or the user's removal; 0 turns the cache off")
        String authCacheTtl() default "5m";

        @AttributeDefinition(description = "The most verified logins remembered; the least recently used go first;"
                + " 0 turns the cache off", min = "0")
        int authCacheSize() default 10_000;
    }

    private final Object writeLock = new Object();
    /** Set once deactivated: a rehash then is dropped, never written over what the next instance wrote. */
    private boolean stopped;
    private final String serverName;
    private volatile Path file;
    private volatile String delimiter;
    private volatile int iterations = PasswordHash.DEFAULT_ITERATIONS;
    private volatile DirectoryData data = DirectoryData.empty();
    private volatile byte[] scramSecret = new byte[32];
    private final CredentialCache recentLogins;
    private final RehashBatch rehashes;
    private final java.util.concurrent.atomic.AtomicLong fileWrites = new java.util.concurrent.atomic.AtomicLong();

    @Activate
    public FileDirectory(BundleContext context, Config config) throws IOException, InvalidAddressException {
        this(context.getProperty("postrider.server.name"), config);
    }

    FileDirectory(String serverName, Config config) throws IOException, InvalidAddressException {
        this(serverName, config, System::nanoTime, RehashBatch.virtualThreads());
    }

    FileDirectory(String serverName, Config config, java.util.function.LongSupplier nanoClock, RehashBatch.Later later)
            throws IOException, InvalidAddressException {
        this.serverName = serverName != null ? serverName : "athena";
        this.recentLogins = new CredentialCache(java.time.Duration.ZERO, 0, nanoClock);
        this.rehashes = new RehashBatch(RehashBatch.DELAY, later, this::writeRehashes);
        configure(config);
    }

    @Modified
    void configure(Config config) throws IOException, InvalidAddressException {
        delimiter = config.recipientDelimiter();
        iterations = iterations(config.passwordIterations());
        recentLogins.configure(cacheTtl(config.authCacheTtl()), config.authCacheSize());
        Path f = Path.of(config.file()).toAbsolutePath();
        synchronized (writeLock) {
            if (!f.equals(file)) {
                if (file != null) {
                    rehashes.flush(); // into the file they were verified against
                }
                file = f;
                if (Files.isDirectory(f.getParent())) {
                    DurableFiles.removeStaleTemporaries(f.getParent()); // a crash mid-write leaves them
                }
                if (Files.exists(f)) {
                    ownerOnly(f);
                    data = DirectoryFileFormat.read(Files.readString(f, StandardCharsets.UTF_8));
                    LOG.info("Directory loaded from {}: {} domains, {} users", f, data.domains().size(),
                            data.users().size());
                } else {
                    bootstrap(config.defaultDomain());
                }
                scramSecret = loadOrMakeSecret(f.resolveSibling("scram.secret"));
            }
        }
    }

    private static int iterations(int configured) {
        int n = Math.clamp(configured, PasswordHash.MIN_ITERATIONS, PasswordHash.MAX_ITERATIONS);
        if (n != configured) {
            LOG.warn("passwordIterations {} is out of {}..{}; using {}", configured, PasswordHash.MIN_ITERATIONS,
                    PasswordHash.MAX_ITERATIONS, n);
        }
        return n;
    }

    /** "0" (or any zero) turns the cache off; a value that does not parse too, with a warning. */
    private static java.time.Duration cacheTtl(String configured) {
        String t = configured == null ? "" : configured.trim();
        if (t.equals("0")) {
            return java.time.Duration.ZERO;
        }
        try {
            java.time.Duration d = org.postrider.kit.text.Durations.parse(t);
            return d.isNegative() ? java.time.Duration.ZERO : d;
        } catch (IllegalArgumentException e) {
            LOG.warn("authCacheTtl '{}' is not a duration (5m, 30s): the login cache is off", configured);
            return java.time.Duration.ZERO;
        }
    }

    /**
     * The key behind the made-up SCRAM salts of unknown logins. Kept on disk so that a salt
     * stays the same across restarts, as a real user's does.
     */
    private static byte[] loadOrMakeSecret(Path p) throws IOException {
        if (Files.exists(p)) {
            byte[] b = Files.readAllBytes(p);
            if (b.length >= 32) {
                return b;
            }
        }
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        DurableFiles.writeOwnerOnly(p, out -> out.write(secret));
        return secret;
    }

    private void bootstrap(String domain) throws IOException, InvalidAddressException {
        DurableFiles.createDirectories(file.getParent());
        String password = PasswordHash.randomPassword();
        String ascii = Domain.parse(domain).ascii();
        String postmaster = "postmaster@" + ascii;
        DirectoryData.Builder b = DirectoryData.empty().edit();
        b.domains.add(ascii);
        b.users.put(postmaster, new Entry(new User(postmaster, "Postmaster", serverName, 0, 0),
                PasswordHash.hash(password.toCharArray(), iterations)));
        commit(b.build());
        Path secret = file.resolveSibling("postmaster.password");
        DurableFiles.writeOwnerOnly(secret, out -> out.write((password + "\n").getBytes(StandardCharsets.UTF_8)));
        LOG.warn("First start: created domain {} and {}; its password is in {} (readable by the owner only)", ascii,
                postmaster, secret);
    }

    /** The file holds every user's SCRAM keys: one an earlier release wrote readable by others is closed. */
    private static void ownerOnly(Path f) throws IOException {
        java.nio.file.attribute.PosixFileAttributeView v =
                Files.getFileAttributeView(f, java.nio.file.attribute.PosixFileAttributeView.class);
        if (v == null) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> p = v.readAttributes().permissions();
        java.util.Set<java.nio.file.attribute.PosixFilePermission> owner = java.util.EnumSet.of(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        if (!owner.containsAll(p)) {
            v.setPermissions(owner);
            LOG.warn("{} was readable by others (it holds password keys): now owner-only", f);
        }
    }

    private void commit(DirectoryData next) throws IOException {
        byte[] text = DirectoryFileFormat.write(next).getBytes(StandardCharsets.UTF_8);
        DurableFiles.writeOwnerOnly(file, out -> out.write(text)); // it holds every user's SCRAM keys
        fileWrites.incrementAndGet();
        data = next;
    }

    String serverName() {
        return serverName;
    }

    // --- Directory ---

    @Override
    public boolean isLocalDomain(Domain domain) {
        return data.domains().contains(domain.ascii());
    }

    @Override
    public Resolution resolve(MailAddress address) {
        DirectoryData d = data;
        Resolution r = lookup(d, address.lookupKey());
        if (r != null) {
            return r;
        }
        String local = address.localPart();
        int cut = delimiter.isEmpty() ? -1 : local.indexOf(delimiter);
        if (cut > 0) {
            r = lookup(d, local.substring(0, cut).toLowerCase(java.util.Locale.ROOT) + "@" + address.domain().ascii());
            if (r != null) {
                return r;
            }
        }
        return d.domains().contains(address.domain().ascii()) ? new Resolution.Unknown() : new Resolution.NotLocal();
    }

    private static Resolution lookup(DirectoryData d, String key) {
        Entry e = d.users().get(key);
        if (e != null) {
            return new Resolution.Mailbox(e.user());
        }
        List<String> members = d.aliases().get(key);
        boolean list = false;
        if (members == null) {
            members = d.lists().get(key);
            list = true;
        }
        if (members == null) {
            CustomRecipient c = d.customs().get(key);
            return c == null ? null : new Resolution.Foreign(c.type(), c.address());
        }
        List<MailAddress> parsed = new ArrayList<>();
        for (String m : members) {
            try {
                parsed.add(MailAddress.parse(m));
            } catch (InvalidAddressException impossible) {
                // validated when written
            }
        }
        return new Resolution.Expansion(key, list, parsed);
    }

    @Override
    public Optional<User> user(String id) {
        try {
            Entry e = data.users().get(DirectoryFileFormat.key(id));
            return Optional.ofNullable(e).map(Entry::user);
        } catch (InvalidAddressException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks a password, and on success redoes a hash of another count or scheme at the
     * configured count. Until then, a user whose hash has another count differs from a
     * stranger in the count SCRAM offers and in the time a wrong password takes.
     * <p>
     * A password verified against the user's current hash within {@code authCacheTtl} is
     * answered from the cache of verified logins without the slow hash; the callers'
     * throttle and bound on hashes at once ({@code Connection.checkPassword}) are in front
     * of it all the same. Failures are never remembered.
     */
    @Override
    public AuthResult authenticate(String login, char[] password) {
        String key = null;
        Entry e = null;
        try {
            key = DirectoryFileFormat.key(login);
            e = data.users().get(key);
        } catch (InvalidAddressException ignored) {
            // same path as an unknown user
        }
        PasswordHash.Keys k = e != null ? PasswordHash.parse(e.passwordHash()) : null;
        if (k == null) {
            // Unknown users are checked against made-up keys: the same work, the same answer.
            PasswordHash.verify(password, madeUp(login), true);
            return new AuthResult.Failure();
        }
        boolean remembered = recentLogins.verified(key, password, e.passwordHash());
        if (!remembered && !PasswordHash.verify(password, e.passwordHash())) {
            return new AuthResult.Failure();
        }
        if (!remembered) {
            recentLogins.remember(key, password, e.passwordHash());
        }
        if (!PasswordHash.current(e.passwordHash(), iterations)) {
            rehash(key, e.passwordHash(), password);
        }
        return new AuthResult.Success(e.user());
    }

    /**
     * Makes the user's hash, just verified, again at the configured count (in the login's
     * slot: it is the same kind of work the slot bounds) and leaves the write to
     * {@link RehashBatch}: the file is rewritten shortly after, once for all the rehashes of
     * that moment, outside the login. A rehash already waiting for this hash is not made twice.
     */
    private void rehash(String key, String verified, char[] password) {
        if (rehashes.waiting(key, verified)) {
            return;
        }
        rehashes.add(key, verified, PasswordHash.hash(password, iterations));
    }

    /**
     * Writes a batch of rehashes in one durable write; a user whose hash changed meanwhile (a
     * new password, a removal) keeps what they have now. A failure to write costs the logins
     * nothing: the old hashes stay valid, and each user's next login tries again.
     */
    private void writeRehashes(java.util.Map<String, RehashBatch.Rehash> batch) {
        try {
            synchronized (writeLock) {
                if (stopped) {
                    // this instance's data may be older than the file now (the next instance, an
                    // update); a rehash lost costs nothing: the user's next login redoes it
                    LOG.info("{} redone password hash(es) dropped after stop; redone at the next login", batch.size());
                    return;
                }
                List<String> applied = new ArrayList<>();
                DirectoryData.Builder b = data.edit();
                batch.forEach((key, r) -> {
                    Entry now = b.users.get(key);
                    if (now != null && now.passwordHash().equals(r.verified())) {
                        b.users.put(key, new Entry(now.user(), r.fresh()));
                        applied.add(key);
                    }
                });
                if (applied.isEmpty()) {
                    return;
                }
                commit(b.build());
                for (String key : applied) { // remembered logins stand for the new hash of the same password
                    RehashBatch.Rehash r = batch.get(key);
                    recentLogins.rehashed(key, r.verified(), r.fresh());
                }
                LOG.info("Password hashes redone at the configured count for {} user(s): {}", applied.size(),
                        applied.size() <= 20 ? applied : applied.subList(0, 20) + "...");
            }
        } catch (IOException | RuntimeException ex) {
            LOG.warn("Could not store {} redone password hash(es); they keep the old ones until their next login",
                    batch.size(), ex);
        }
    }

    /**
     * Writes the rehashes that wait, then writes no more: a batch a timer still holds, or a
     * login racing the stop, finds this instance stopped (it waits for a write in progress).
     */
    @Deactivate
    void deactivate() {
        rehashes.close();
        synchronized (writeLock) {
            stopped = true;
        }
    }

    /** Durable writes of the directory file since this instance began: what a test counts. */
    long fileWrites() {
        return fileWrites.get();
    }

    private PasswordHash.Keys madeUp(String login) {
        return PasswordHash.madeUp(scramSecret, login.toLowerCase(java.util.Locale.ROOT), iterations);
    }

    @Override
    public ScramCredentials scramSha256(String login) {
        Entry e = null;
        try {
            e = data.users().get(DirectoryFileFormat.key(login));
        } catch (InvalidAddressException ignored) {
            // made-up keys, as for an unknown user
        }
        PasswordHash.Keys k = e != null ? PasswordHash.parse(e.passwordHash()) : null;
        if (k == null) {
            k = madeUp(login);
            e = null;
        }
        return new ScramCredentials(k.salt(), k.iterations(), k.storedKey(), k.serverKey(),
                e != null ? e.user() : null);
    }

    // --- administration (dir: commands) ---

    DirectoryData snapshot() {
        return data;
    }

    void addDomain(String domain) throws IOException, InvalidAddressException {
        String ascii = Domain.parse(domain).ascii();
        change(b -> {
            if (!b.domains.add(ascii)) {
                throw new IllegalArgumentException("domain " + ascii + " exists already");
            }
        });
    }

    void removeDomain(String domain) throws IOException, InvalidAddressException {
        String ascii = Domain.parse(domain).ascii();
        change(b -> {
            if (!b.domains.contains(ascii)) {
                throw new IllegalArgumentException("no domain " + ascii);
            }
            String suffix = "@" + ascii;
            if (b.users.keySet().stream().anyMatch(k -> k.endsWith(suffix))
                    || b.aliases.keySet().stream().anyMatch(k -> k.endsWith(suffix))
                    || b.lists.keySet().stream().anyMatch(k -> k.endsWith(suffix))
                    || b.customs.keySet().stream().anyMatch(k -> k.endsWith(suffix))) {
                throw new IllegalArgumentException("domain " + ascii + " still has users, aliases, lists or custom recipients");
            }
            b.domains.remove(ascii);
        });
    }

    User addUser(String address, char[] password) throws IOException, InvalidAddressException {
        MailAddress a = MailAddress.parse(address);
        String key = a.lookupKey();
        requirePassword(password);
        String hash = PasswordHash.hash(password, iterations);
        User u = new User(key, null, serverName, 0, 0);
        change(b -> {
            requireLocal(b, a);
            requireFree(b, key);
            b.users.put(key, new Entry(u, hash));
        });
        return u;
    }

    void removeUser(String address) throws IOException, InvalidAddressException {
        String key = DirectoryFileFormat.key(address);
        change(b -> {
            if (b.users.remove(key) == null) {
                throw new IllegalArgumentException("no user " + key);
            }
        });
        recentLogins.forget(key);
    }

    void setPassword(String address, char[] password) throws IOException, InvalidAddressException {
        String key = DirectoryFileFormat.key(address);
        requirePassword(password);
        String hash = PasswordHash.hash(password, iterations);
        change(b -> {
            Entry e = b.users.get(key);
            if (e == null) {
                throw new IllegalArgumentException("no user " + key);
            }
            b.users.put(key, new Entry(e.user(), hash));
        });
        recentLogins.forget(key); // a hit needs the old hash anyway: this frees the entries
    }

    /** For {@code dir:auth-cache}. */
    String loginCacheStats() {
        return recentLogins.stats();
    }

    /** Forgets every remembered login: the next of each pays the slow hash again. */
    void clearLoginCache() {
        recentLogins.clear();
    }

    void updateUser(String address, java.util.function.UnaryOperator<User> update)
            throws IOException, InvalidAddressException {
        String key = DirectoryFileFormat.key(address);
        change(b -> {
            Entry e = b.users.get(key);
            if (e == null) {
                throw new IllegalArgumentException("no user " + key);
            }
            b.users.put(key, new Entry(update.apply(e.user()), e.passwordHash()));
        });
    }

    void addExpansion(boolean list, String address, String[] members) throws IOException, InvalidAddressException {
        MailAddress a = MailAddress.parse(address);
        String key = a.lookupKey();
        List<String> parsed = new ArrayList<>();
        for (String m : members) {
            parsed.add(MailAddress.parse(m).toString());
        }
        change(b -> {
            requireLocal(b, a);
            var map = list ? b.lists : b.aliases;
            List<String> existing = map.get(key);
            if (existing == null) {
                requireFree(b, key);
                if (parsed.isEmpty()) {
                    throw new IllegalArgumentException((list ? "a list" : "an alias") + " needs members");
                }
                map.put(key, List.copyOf(parsed));
            } else {
                List<String> merged = new ArrayList<>(existing);
                parsed.stream().filter(p -> !merged.contains(p)).forEach(merged::add);
                map.put(key, List.copyOf(merged));
            }
        });
    }

    void removeExpansion(boolean list, String address, String[] members) throws IOException, InvalidAddressException {
        String key = DirectoryFileFormat.key(address);
        List<String> drop = new ArrayList<>();
        for (String m : members) {
            drop.add(MailAddress.parse(m).toString());
        }
        change(b -> {
            var map = list ? b.lists : b.aliases;
            List<String> existing = map.get(key);
            if (existing == null) {
                throw new IllegalArgumentException("no " + (list ? "list " : "alias ") + key);
            }
            if (drop.isEmpty()) {
                map.remove(key);
                return;
            }
            List<String> rest = new ArrayList<>(existing);
            rest.removeIf(m -> drop.stream().anyMatch(d -> d.equalsIgnoreCase(m)));
            if (rest.isEmpty()) {
                map.remove(key);
            } else {
                map.put(key, List.copyOf(rest));
            }
        });
    }

    /** Makes a name of ours a custom recipient: its mail goes to {@code target} (TYPE:address) through a gateway. */
    CustomRecipient addCustom(String address, String target) throws IOException, InvalidAddressException {
        MailAddress a = MailAddress.parse(address);
        String key = a.lookupKey();
        CustomRecipient c = CustomRecipient.parse(target);
        change(b -> {
            requireLocal(b, a);
            requireFree(b, key);
            b.customs.put(key, c);
        });
        return c;
    }

    void removeCustom(String address) throws IOException, InvalidAddressException {
        String key = DirectoryFileFormat.key(address);
        change(b -> {
            if (b.customs.remove(key) == null) {
                throw new IllegalArgumentException("no custom recipient " + key);
            }
        });
    }

    private static void requirePassword(char[] password) {
        if (password.length == 0) {
            throw new IllegalArgumentException("empty password");
        }
    }

    private static void requireLocal(DirectoryData.Builder b, MailAddress a) {
        if (!b.domains.contains(a.domain().ascii())) {
            throw new IllegalArgumentException("domain " + a.domain() + " is not a local domain (dir:domain-add it first)");
        }
    }

    private static void requireFree(DirectoryData.Builder b, String key) {
        if (b.users.containsKey(key) || b.aliases.containsKey(key) || b.lists.containsKey(key)
                || b.customs.containsKey(key)) {
            throw new IllegalArgumentException(key + " exists already");
        }
    }

    @FunctionalInterface
    interface Change {
        void apply(DirectoryData.Builder b);
    }

    private void change(Change c) throws IOException {
        synchronized (writeLock) {
            DirectoryData.Builder b = data.edit();
            c.apply(b);
            commit(b.build());
        }
    }

    @Override
    public String toString() {
        return "FileDirectory[" + file + ", " + Arrays.asList(data.domains()) + "]";
    }
}
