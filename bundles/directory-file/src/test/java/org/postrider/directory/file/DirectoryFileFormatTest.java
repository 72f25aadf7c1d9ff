package org.postrider.directory.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.directory.User;

class DirectoryFileFormatTest {
    @Test
    void roundTripsEveryRecord() throws Exception {
        DirectoryData.Builder b = DirectoryData.empty().edit();
        b.domains.add("example.org");
        b.users.put("alice@example.org", new Entry(new User("alice@example.org", "Alice Smith", "athena", 1000, 10),
                PasswordHash.hash("secret".toCharArray(), PasswordHash.DEFAULT_ITERATIONS)));
        b.aliases.put("postmaster@example.org", List.of("alice@example.org"));
        b.lists.put("staff@example.org", List.of("alice@example.org", "bob@example.net"));
        b.customs.put("smith@example.org", new CustomRecipient("X400", "c=us;a= ;p=Example;s=Smith"));
        b.customs.put("jones@example.org", new CustomRecipient("X500", "cn=Jöns 100%,o=Example"));
        DirectoryData d = b.build();
        String text = DirectoryFileFormat.write(d);
        assertEquals(d, DirectoryFileFormat.read(text));
        assertFalse(text.contains("secret"), "the password itself must never be stored");
    }

    @Test
    void writesACustomRecipientAsOneReadableField() throws Exception {
        DirectoryData.Builder b = DirectoryData.empty().edit();
        b.customs.put("smith@example.org", new CustomRecipient("x400", "c=us;a= ;p=Example;s=Smith"));
        b.customs.put("jones@example.org", new CustomRecipient("X500", "cn=Jöns 100%,o=Example"));
        String text = DirectoryFileFormat.write(b.build());
        assertTrue(text.contains("\ncustom smith@example.org X400:c=us;a=%20;p=Example;s=Smith\n"), text);
        assertTrue(text.contains("\ncustom jones@example.org X500:cn=J%C3%B6ns%20100%25,o=Example\n"), text);
    }

    @Test
    void refusesBrokenCustomRecipients() {
        for (String bad : List.of("custom smith@example.org", "custom smith@example.org X400", "custom smith@example.org :x",
                "custom smith@example.org X400:", "custom smith@example.org X400:a b", "custom smith@example.org X400:a%2",
                "custom smith@example.org X400:a%41", "custom smith@example.org X400:a%2f", "custom smith@example.org X400:%0A",
                "custom smith@example.org X400:%C3", "custom smith@example.org SMTP:a@example.net",
                "custom smith@example.org X4.00:a", "custom bad@@example.org X400:a")) {
            IOException e = assertThrows(IOException.class, () -> DirectoryFileFormat.read(bad + "\n"), bad);
            assertTrue(e.getMessage().startsWith("directory line 1:"), e.getMessage());
        }
    }

    @Test
    void refusesBrokenLinesWithTheirNumber() {
        IOException e = assertThrows(IOException.class, () -> DirectoryFileFormat.read("domain example.org\nuser a%b@example.org hash=x\n"));
        assertTrue(e.getMessage().startsWith("directory line 2:"), e.getMessage());
        assertThrows(IOException.class, () -> DirectoryFileFormat.read("user a@example.org home=athena\n"));
        assertThrows(IOException.class, () -> DirectoryFileFormat.read("bogus x\n"));
        IOException noHome = assertThrows(IOException.class,
                () -> DirectoryFileFormat.read("user a@example.org hash=scram-sha-256$4096$x$y\n"));
        assertTrue(noHome.getMessage().contains("without home="), noHome.getMessage());
        assertThrows(IOException.class, () -> DirectoryFileFormat.read("alias x@example.org y@@z\n"));
    }

    @Test
    void passwordHashesVerifyAndAreSalted() {
        String h1 = PasswordHash.hash("pw".toCharArray(), PasswordHash.DEFAULT_ITERATIONS);
        String h2 = PasswordHash.hash("pw".toCharArray(), PasswordHash.DEFAULT_ITERATIONS);
        assertTrue(h1.startsWith("scram-sha-256$65536$"), h1);
        assertFalse(h1.equals(h2), "same password, same hash: no salt");
        assertTrue(PasswordHash.verify("pw".toCharArray(), h1));
        assertFalse(PasswordHash.verify("pW".toCharArray(), h1));
        assertFalse(PasswordHash.verify("pw".toCharArray(), "pbkdf2-sha256$x$y$z"));
        assertFalse(PasswordHash.verify("pw".toCharArray(), "scram-sha-256$600000$y$z"));
    }
}
