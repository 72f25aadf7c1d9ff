package org.postrider.directory.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Resolution;

class FileDirectoryTest {
    @TempDir
    Path dir;

    private FileDirectory directory() throws Exception {
        Path file = dir.resolve("directory.txt");
        return new FileDirectory("athena", new FileDirectory.Config() {
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
        });
    }

    @Test
    void firstStartCreatesPostmasterWithAnOwnerOnlyPassword() throws Exception {
        FileDirectory d = directory();
        String password = Files.readString(dir.resolve("postmaster.password")).trim();
        assertInstanceOf(AuthResult.Success.class, d.authenticate("postmaster@example.org", password.toCharArray()));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("postmaster.password"))));
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
    void aWrongPasswordCostsTheSameWhetherOrNotTheUserExists() throws Exception {
        FileDirectory d = directory();
        d.addUser("alice@example.org", "right".toCharArray());
        char[] wrong = "wrong".toCharArray();
        // The same work, counted rather than timed (timings on two loaded cores prove nothing):
        // every failure derives one key of the same iteration count, user or no user.
        long existing = iterations(() -> d.authenticate("alice@example.org", wrong));
        assertEquals(PasswordHash.ITERATIONS, existing);
        assertEquals(existing, iterations(() -> d.authenticate("ghost@example.org", wrong)));
        assertEquals(existing, iterations(() -> d.authenticate("not an address", wrong)));
        assertInstanceOf(AuthResult.Failure.class, d.authenticate("ghost@example.org", wrong));
        assertInstanceOf(AuthResult.Failure.class, d.authenticate("alice@example.org", wrong));
        assertInstanceOf(AuthResult.Success.class, d.authenticate("alice@example.org", "right".toCharArray()));
    }

    private static long iterations(Runnable r) {
        long before = PasswordHash.ITERATIONS_DONE.sum();
        r.run();
        return PasswordHash.ITERATIONS_DONE.sum() - before;
    }
}
