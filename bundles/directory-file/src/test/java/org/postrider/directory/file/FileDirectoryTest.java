package org.postrider.directory.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Resolution;
import org.postrider.api.directory.ScramCredentials;
import org.postrider.lineserver.sasl.ScramServer;

class FileDirectoryTest {
    @TempDir
    Path dir;

    private FileDirectory directory() throws Exception {
        return open(config(PasswordHash.DEFAULT_ITERATIONS));
    }

    /** Rehash writes scheduled by the directories of a test, run when the test lets the delay pass. */
    private final List<Runnable> due = new ArrayList<>();

    private FileDirectory open(FileDirectory.Config c) throws Exception {
        return new FileDirectory("athena", c, System::nanoTime, (delay, task) -> due.add(task));
    }

    /** The rehash delay passes: the writes scheduled so far run. */
    private void delayPasses() {
        List<Runnable> now = new ArrayList<>(due);
        due.clear();
        now.forEach(Runnable::run);
    }

    private FileDirectory.Config config(int passwordIterations) {
        return config(passwordIterations, "5m", 10_000);
    }

    private FileDirectory.Config config(int passwordIterations, String authCacheTtl, int authCacheSize) {
        Path file = dir.resolve("directory.txt");
        return new FileDirectory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return FileDirectory.Config.class;
            }

            @Override
            public String file() {
                return file.toString();
            }

            @Override
            public String defaultDomain() {
                return "example.org";
            }

            @Override
            public String recipientDelimiter() {
                return "+";
            }

            @Override
            public int passwordIterations() {
                return passwordIterations;
            }

            @Override
            public String authCacheTtl() {
                return authCacheTtl;
            }

            @Override
            public int authCacheSize() {
                return authCacheSize;
            }
        };
    }

    @Test
    void firstStartCreatesPostmasterWithAnOwnerOnlyPassword() throws Exception {
        FileDirectory d = directory();
        String password = Files.readString(dir.resolve("postmaster.password")).trim();
        assertInstanceOf(AuthResult.Success.class, d.authenticate("postmaster@example.org", password.toCharArray()));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("postmaster.password"))));
        // the directory file holds every user's SCRAM keys: owner-only after each rewrite too
        java.nio.file.Path file = dir.resolve("directory.txt");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        d.addUser("x@example.org", "pw-x".toCharArray());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        directory(); // a start finds it so (written by an earlier release) and closes it
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(d.isLocalDomain(MailAddress.parse("x@example.org").domain()));
    }

    @Test
    void resolvesUsersAliasesListsSubaddressesAndStrangers() throws Exception {
        FileDirectory d = directory();
        d.addUser("alice@example.org", "pw".toCharArray());
        d.addExpansion(false, "info@example.org", new String[] {"alice@example.org"});
        d.addExpansion(true, "all@example.org", new String[] {"info@example.org", "bob@example.net"});
        assertInstanceOf(Resolution.Mailbox.class, d.resolve(MailAddress.parse("Alice@Example.org")));
        assertInstanceOf(Resolution.Mailbox.class, d.resolve(MailAddress.parse("alice+lists@example.org")));
        assertEquals(List.of(MailAddress.parse("alice@example.org")),
                ((Resolution.Expansion) d.resolve(MailAddress.parse("info@example.org"))).members());
        assertTrue(((Resolution.Expansion) d.resolve(MailAddress.parse("all@example.org"))).distributionList());
        assertInstanceOf(Resolution.Unknown.class, d.resolve(MailAddress.parse("nobody@example.org")));
        assertInstanceOf(Resolution.NotLocal.class, d.resolve(MailAddress.parse("bob@example.net")));
        // persisted: a second instance over the same file sees the same
        FileDirectory again = directory();
        assertInstanceOf(Resolution.Expansion.class, again.resolve(MailAddress.parse("info@example.org")));
    }

    @Test
    void aCustomRecipientResolvesToItsForeignAddressAndKeepsItsName() throws Exception {
        FileDirectory d = directory();
        d.addUser("alice@example.org", "pw".toCharArray());
        d.addCustom("Smith@example.org", "x400:c=us;a= ;p=Example;s=Smith");
        assertEquals(new Resolution.Foreign("X400", "c=us;a= ;p=Example;s=Smith"),
                d.resolve(MailAddress.parse("smith@example.org")));
        assertEquals(new Resolution.Foreign("X400", "c=us;a= ;p=Example;s=Smith"),
                d.resolve(MailAddress.parse("smith+tag@example.org")), "subaddresses too");
        assertThrows(IllegalArgumentException.class, () -> d.addCustom("alice@example.org", "X400:c=us"),
                "a name has one meaning");
        assertThrows(IllegalArgumentException.class, () -> d.addUser("smith@example.org", "pw".toCharArray()));
        assertThrows(IllegalArgumentException.class, () -> d.addCustom("x@example.net", "X400:c=us"),
                "only a name of ours");
        assertThrows(IllegalArgumentException.class, () -> d.addCustom("y@example.org", "SMTP:y@example.net"),
                "an Internet target is an alias");
        d.addDomain("other.example");
        d.addCustom("z@other.example", "FAX:+1 555 0100");
        assertThrows(IllegalArgumentException.class, () -> d.removeDomain("other.example"),
                "a domain with a custom recipient left stays");
        // persisted: a second instance over the same file sees it
        assertEquals(new Resolution.Foreign("X400", "c=us;a= ;p=Example;s=Smith"),
                directory().resolve(MailAddress.parse("smith@example.org")));
        d.removeCustom("smith@example.org");
        assertInstanceOf(Resolution.Unknown.class, d.resolve(MailAddress.parse("smith@example.org")));
    }

    @Test
    void aWrongPasswordCostsTheSameWhetherOrNotTheUserExists() throws Exception {
        FileDirectory d = directory();
        d.addUser("alice@example.org", "right".toCharArray());
        char[] wrong = "wrong".toCharArray();
        // The same work, counted rather than timed (timings on two loaded cores prove nothing):
        // every failure derives one key of the same iteration count, user or no user.
        long existing = iterations(() -> d.authenticate("alice@example.org", wrong));
        assertEquals(PasswordHash.DEFAULT_ITERATIONS, existing);
        assertEquals(existing, iterations(() -> d.authenticate("ghost@example.org", wrong)));
        assertEquals(existing, iterations(() -> d.authenticate("not an address", wrong)));
        assertInstanceOf(AuthResult.Failure.class, d.authenticate("ghost@example.org", wrong));
        assertInstanceOf(AuthResult.Failure.class, d.authenticate("alice@example.org", wrong));
        assertInstanceOf(AuthResult.Success.class, d.authenticate("alice@example.org", "right".toCharArray()));
    }

    @Test
    void aStrangerCostsAndLooksLikeAUserAtTheConfiguredCount() throws Exception {
        FileDirectory d = open(config(8192));
        d.addUser("alice@example.org", "right".toCharArray());
        char[] wrong = "wrong".toCharArray();
        assertEquals(8192, iterations(() -> d.authenticate("alice@example.org", wrong)));
        assertEquals(8192, iterations(() -> d.authenticate("ghost@example.org", wrong)));
        assertEquals(8192, iterations(() -> d.authenticate("not an address", wrong)));
        assertEquals(8192, d.scramSha256("alice@example.org").iterations());
        assertEquals(8192, d.scramSha256("ghost@example.org").iterations(), "SCRAM offers a stranger the same count");
        assertEquals(8192, d.scramSha256("not an address").iterations());
    }

    @Test
    void aPasswordLoginRedoesAHashOfAnotherCountSoALibsasl2ClientCanUseScram() throws Exception {
        FileDirectory before = open(config(600_000)); // as the first releases stored
        before.addUser("alice@example.org", "right".toCharArray());
        assertTrue(stored("alice@example.org").startsWith("scram-sha-256$600000$"));

        FileDirectory d = directory(); // a restart with the default count
        assertEquals("refused: i=600000", libsasl2Login(d, "alice@example.org", "right"),
                "a hash at 600,000 is out of libsasl2's reach");
        // A wrong password changes nothing.
        assertInstanceOf(AuthResult.Failure.class, d.authenticate("alice@example.org", "wrong".toCharArray()));
        assertTrue(stored("alice@example.org").startsWith("scram-sha-256$600000$"));

        assertInstanceOf(AuthResult.Success.class, d.authenticate("alice@example.org", "right".toCharArray()));
        String redone = stored("alice@example.org");
        assertTrue(redone.startsWith("scram-sha-256$65536$"), "written durably: " + redone);
        assertEquals("ok", libsasl2Login(d, "alice@example.org", "right"));
        assertEquals("ok", libsasl2Login(directory(), "alice@example.org", "right"), "after a restart too");
        assertEquals("failed", libsasl2Login(d, "alice@example.org", "wrong"));

        // At the configured count a login verifies only: one key derived, nothing rewritten
        // (the login cache emptied first, else the repeated login derives none).
        d.clearLoginCache();
        assertEquals(PasswordHash.DEFAULT_ITERATIONS,
                iterations(() -> d.authenticate("alice@example.org", "right".toCharArray())));
        assertEquals(redone, stored("alice@example.org"));
    }

    @Test
    void aChangedCountTakesEffectLiveForNewHashesAndLogins() throws Exception {
        FileDirectory d = directory();
        d.addUser("alice@example.org", "right".toCharArray());
        d.configure(config(8192)); // as Configuration Admin does on a modified configuration
        d.addUser("bob@example.org", "pw".toCharArray());
        assertTrue(stored("bob@example.org").startsWith("scram-sha-256$8192$"));
        assertInstanceOf(AuthResult.Success.class, d.authenticate("alice@example.org", "right".toCharArray()));
        assertTrue(stored("alice@example.org").startsWith("scram-sha-256$8192$"));
        assertInstanceOf(AuthResult.Success.class, d.authenticate("alice@example.org", "right".toCharArray()));
    }

    @Test
    void aCountBelowRfc7677sMinimumIsNotUsed() throws Exception {
        FileDirectory d = open(config(1));
        d.addUser("alice@example.org", "pw".toCharArray());
        assertTrue(stored("alice@example.org").startsWith("scram-sha-256$4096$"));
    }

    @Test
    void aLegacyHashIsRedoneInTheCurrentSchemeAtTheFirstPasswordLogin() throws Exception {
        directory();
        // The first release's record (the salted password itself) of "pencil", RFC 7677's salt.
        Files.writeString(dir.resolve("directory.txt"), "domain example.org\nuser user@example.org home=athena "
                + "hash=pbkdf2-sha256$4096$W22ZaJ0SNY7soEsUEjb6gQ$xKSVEDI6tPlSysH6mUQZOeeOp01r6B3fcJbodRPcYV0\n");
        FileDirectory d = directory();
        assertInstanceOf(AuthResult.Success.class, d.authenticate("user@example.org", "pencil".toCharArray()));
        assertTrue(stored("user@example.org").startsWith("scram-sha-256$65536$"));
        assertInstanceOf(AuthResult.Success.class, d.authenticate("user@example.org", "pencil".toCharArray()));
    }

    @Test
    void aRepeatedCorrectLoginIsAnsweredWithoutTheSlowHashAndAWrongOneNever() throws Exception {
        FileDirectory d = directory();
        d.addUser("alice@example.org", "right".toCharArray());
        assertEquals(PasswordHash.DEFAULT_ITERATIONS,
                iterations(() -> assertSuccess(d.authenticate("alice@example.org", "right".toCharArray()))));
        for (int i = 0; i < 5; i++) {
            assertEquals(0, iterations(() -> assertSuccess(d.authenticate("Alice@Example.org", "right".toCharArray()))),
                    "a repeated login within the TTL derives no key");
        }
        // A wrong password, before and after a good one, always pays the hash and fails.
        for (int i = 0; i < 3; i++) {
            assertEquals(PasswordHash.DEFAULT_ITERATIONS, iterations(() -> assertInstanceOf(AuthResult.Failure.class,
                    d.authenticate("alice@example.org", "righT".toCharArray()))));
        }
        // Another user with alice's password is not alice.
        d.addUser("bob@example.org", "bob-pw".toCharArray());
        assertEquals(PasswordHash.DEFAULT_ITERATIONS, iterations(() -> assertInstanceOf(AuthResult.Failure.class,
                d.authenticate("bob@example.org", "right".toCharArray()))));
        // A stranger always pays, even with a password someone logged in with.
        assertEquals(PasswordHash.DEFAULT_ITERATIONS, iterations(() -> assertInstanceOf(AuthResult.Failure.class,
                d.authenticate("ghost@example.org", "right".toCharArray()))));
        // The cached answer carries the user as the directory has it now.
        d.updateUser("alice@example.org", u -> new org.postrider.api.directory.User(u.id(), u.displayName(), "hermes",
                u.quotaBytes(), u.quotaMessages()));
        AuthResult r = d.authenticate("alice@example.org", "right".toCharArray());
        assertEquals("hermes", ((AuthResult.Success) r).user().homeServer());
    }

    @Test
    void aPasswordChangeOrARemovalEndsTheRememberedLoginAtOnce() throws Exception {
        FileDirectory d = directory();
        d.addUser("alice@example.org", "old".toCharArray());
        assertSuccess(d.authenticate("alice@example.org", "old".toCharArray()));
        d.setPassword("alice@example.org", "new".toCharArray());
        assertInstanceOf(AuthResult.Failure.class, d.authenticate("alice@example.org", "old".toCharArray()));
        assertSuccess(d.authenticate("alice@example.org", "new".toCharArray()));
        assertEquals(0, iterations(() -> assertSuccess(d.authenticate("alice@example.org", "new".toCharArray()))));

        d.removeUser("alice@example.org");
        assertInstanceOf(AuthResult.Failure.class, d.authenticate("alice@example.org", "new".toCharArray()));
        // Made again with the same password: a new hash, so the slow check once more.
        d.addUser("alice@example.org", "new".toCharArray());
        assertEquals(PasswordHash.DEFAULT_ITERATIONS,
                iterations(() -> assertSuccess(d.authenticate("alice@example.org", "new".toCharArray()))));
    }

    @Test
    void aLoginRehashedAtTheConfiguredCountStaysRemembered() throws Exception {
        open(config(8192)).addUser("alice@example.org", "right".toCharArray());
        FileDirectory d = directory();
        assertSuccess(d.authenticate("alice@example.org", "right".toCharArray())); // verified, then redone
        assertEquals(0, iterations(() -> assertSuccess(d.authenticate("alice@example.org", "right".toCharArray()))));
        assertTrue(stored("alice@example.org").startsWith("scram-sha-256$65536$"));
        assertEquals(0, iterations(() -> assertSuccess(d.authenticate("alice@example.org", "right".toCharArray()))),
                "the remembered login stands for the redone hash");
    }

    @Test
    void aZeroTtlOrSizeTurnsTheCacheOff() throws Exception {
        for (FileDirectory.Config c : List.of(config(PasswordHash.DEFAULT_ITERATIONS, "0", 10),
                config(PasswordHash.DEFAULT_ITERATIONS, "5m", 0))) {
            FileDirectory d = open(c);
            d.addUser("u" + System.nanoTime() + "@example.org", "pw".toCharArray());
            String u = d.snapshot().users().keySet().stream().filter(k -> k.startsWith("u")).findFirst().orElseThrow();
            assertSuccess(d.authenticate(u, "pw".toCharArray()));
            assertEquals(PasswordHash.DEFAULT_ITERATIONS, iterations(() -> assertSuccess(d.authenticate(u, "pw".toCharArray()))));
        }
    }

    @Test
    void theTtlEndsARememberedLogin() throws Exception {
        long[] now = {0};
        FileDirectory d = new FileDirectory("athena", config(PasswordHash.DEFAULT_ITERATIONS, "5m", 10), () -> now[0],
                (delay, task) -> due.add(task));
        d.addUser("alice@example.org", "pw".toCharArray());
        assertSuccess(d.authenticate("alice@example.org", "pw".toCharArray()));
        now[0] += java.time.Duration.ofMinutes(5).toNanos() - 1;
        assertEquals(0, iterations(() -> assertSuccess(d.authenticate("alice@example.org", "pw".toCharArray()))));
        now[0] += 1;
        assertEquals(PasswordHash.DEFAULT_ITERATIONS,
                iterations(() -> assertSuccess(d.authenticate("alice@example.org", "pw".toCharArray()))),
                "5 minutes after its check, a login is checked again (hits do not extend it)");
    }

    @Test
    void theRehashesOfManyLoginsAreWrittenTogetherAfterTheLoginsNotInThem() throws Exception {
        FileDirectory before = open(config(PasswordHash.MIN_ITERATIONS));
        int n = 30;
        for (int i = 0; i < n; i++) {
            before.addUser("u" + i + "@example.org", ("pw" + i).toCharArray());
        }
        FileDirectory d = open(config(8192)); // a raised count: every user needs a rehash
        for (int i = 0; i < n; i++) {
            assertSuccess(d.authenticate("u" + i + "@example.org", ("pw" + i).toCharArray()));
            assertEquals(0, d.fileWrites(), "no file write inside a login");
        }
        assertEquals(1, due.size(), "one write scheduled for all of them");
        delayPasses();
        assertEquals(1, d.fileWrites(), n + " rehashes, one rewrite of the file");
        FileDirectory restarted = open(config(8192));
        for (int i = 0; i < n; i++) {
            assertTrue(stored("u" + i + "@example.org").startsWith("scram-sha-256$8192$"));
            int u = i;
            assertEquals(8192, iterations(() -> assertSuccess(restarted.authenticate("u" + u + "@example.org",
                    ("pw" + u).toCharArray()))), "verified at the new count, nothing left to redo");
        }
        assertEquals(0, restarted.fileWrites());
        assertTrue(due.isEmpty());
    }

    @Test
    void aStopWritesTheRehashesThatWaitAndNoneAfterIt() throws Exception {
        FileDirectory before = open(config(PasswordHash.MIN_ITERATIONS));
        for (int i = 0; i < 5; i++) {
            before.addUser("u" + i + "@example.org", "pw".toCharArray());
        }
        FileDirectory d = open(config(8192));
        for (int i = 0; i < 4; i++) {
            assertSuccess(d.authenticate("u" + i + "@example.org", "pw".toCharArray()));
        }
        d.deactivate(); // the delay has not passed
        assertEquals(1, d.fileWrites());
        for (int i = 0; i < 4; i++) {
            assertTrue(storedNow("u" + i + "@example.org").startsWith("scram-sha-256$8192$"), "written at stop");
        }
        // a login racing the stop: this instance's data may be older than the file by now (the
        // next instance wrote it), so its rehash is dropped, not written over it
        before.setPassword("u3@example.org", "changed".toCharArray());
        assertSuccess(d.authenticate("u4@example.org", "pw".toCharArray()));
        assertEquals(1, d.fileWrites(), "nothing written after the stop");
        assertTrue(storedNow("u4@example.org").startsWith("scram-sha-256$" + PasswordHash.MIN_ITERATIONS + "$"),
                "the old hash stays, redone at the next login");
        assertTrue(PasswordHash.verify("changed".toCharArray(), storedNow("u3@example.org")),
                "what another instance wrote after the stop stands");
    }

    @Test
    void aPasswordChangedWhileItsRehashWaitsIsKept() throws Exception {
        open(config(PasswordHash.MIN_ITERATIONS)).addUser("alice@example.org", "old".toCharArray());
        FileDirectory d = open(config(8192));
        assertSuccess(d.authenticate("alice@example.org", "old".toCharArray()));
        d.setPassword("alice@example.org", "new".toCharArray());
        delayPasses();
        assertTrue(PasswordHash.verify("new".toCharArray(), stored("alice@example.org")));
        assertInstanceOf(AuthResult.Failure.class, open(config(8192)).authenticate("alice@example.org",
                "old".toCharArray()));
    }

    @Test
    void theTimerWritesARehashByItselfWithinItsDelay() throws Exception {
        new FileDirectory("athena", config(PasswordHash.MIN_ITERATIONS)).addUser("alice@example.org", "pw".toCharArray());
        FileDirectory d = new FileDirectory("athena", config(8192));
        assertSuccess(d.authenticate("alice@example.org", "pw".toCharArray()));
        long deadline = System.nanoTime() + RehashBatch.DELAY.plusSeconds(20).toNanos();
        while (!storedNow("alice@example.org").startsWith("scram-sha-256$8192$") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(storedNow("alice@example.org").startsWith("scram-sha-256$8192$"));
        d.deactivate();
    }

    private String storedNow(String user) throws Exception {
        return DirectoryFileFormat.read(Files.readString(dir.resolve("directory.txt"))).users().get(user).passwordHash();
    }

    private static void assertSuccess(AuthResult r) {
        assertInstanceOf(AuthResult.Success.class, r);
    }

    /** The user's hash as the directory file holds it. */
    private String stored(String user) throws Exception {
        delayPasses();
        return DirectoryFileFormat.read(Files.readString(dir.resolve("directory.txt"))).users().get(user).passwordHash();
    }

    /**
     * A SCRAM-SHA-256 login through the servers' ScramServer by a client that behaves as
     * libsasl2's: it refuses an iteration count above 65536.
     */
    private static String libsasl2Login(FileDirectory d, String login, String password) throws Exception {
        ScramServer server = new ScramServer(d::scramSha256);
        String clientFirstBare = "n=" + login + ",r=fyko+d2lbbFgONRv9qkxdawL";
        String serverFirst = server.first(("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8));
        Matcher m = Pattern.compile("^r=([^,]+),s=([^,]+),i=(\\d+)$").matcher(serverFirst);
        assertTrue(m.matches(), serverFirst);
        int count = Integer.parseInt(m.group(3));
        if (count > 65_536) {
            return "refused: i=" + count;
        }
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                new PBEKeySpec(password.toCharArray(), Base64.getDecoder().decode(m.group(2)), count, 256)).getEncoded();
        String withoutProof = "c=biws,r=" + m.group(1);
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientKey = ScramCredentials.hmac(salted, "Client Key");
        byte[] signature = ScramCredentials.hmac(ScramCredentials.sha256(clientKey), authMessage);
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] ^= signature[i];
        }
        String serverFinal = server.last((withoutProof + ",p=" + Base64.getEncoder().encodeToString(clientKey))
                .getBytes(StandardCharsets.UTF_8));
        if (serverFinal == null) {
            return "failed";
        }
        assertEquals("v=" + Base64.getEncoder().encodeToString(
                ScramCredentials.hmac(ScramCredentials.hmac(salted, "Server Key"), authMessage)), serverFinal);
        assertInstanceOf(AuthResult.Success.class, server.result());
        return "ok";
    }

    private static long iterations(Runnable r) {
        long before = PasswordHash.ITERATIONS_DONE.sum();
        r.run();
        return PasswordHash.ITERATIONS_DONE.sum() - before;
    }
}
