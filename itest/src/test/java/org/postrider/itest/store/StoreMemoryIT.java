package org.postrider.itest.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * The store's memory and disk work through the distribution: with maxOpenFolders 3, a user
 * with seven folders and a quota, and a 50,000-message maildrop, at most three folders stay
 * open; deliveries list no folder directory; POP3 logins to an up-to-date maildrop list
 * nothing, even after the folder was evicted or the server restarted.
 */
class StoreMemoryIT {
    private static final int MESSAGES = 50_000;

    @RegisterExtension
    final Instances instances = new Instances();

    private static long stat(Instance athena, String key) throws Exception {
        String out = athena.admin("store:stats").ok().out();
        Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    private static String login(Instance athena) throws Exception {
        return Python.run(athena.home(), """
                import poplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
                p.user('big@example.org'); p.pass_('big-pw')
                print('stat', *p.stat())
                p.quit()
                """, String.valueOf(athena.listenerPort("pop3s"))).ok().out();
    }

    private static void deliver(Instance athena, String subject) throws Exception {
        Path eml = athena.home().resolve(subject + ".eml");
        Files.writeString(eml, "From: carol@example.net\r\nSubject: " + subject + "\r\n\r\nbody\r\n");
        athena.submit(eml, "carol@example.net", "alice@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
    }

    @Test
    void foldersStayWithinTheCapAndNeitherDeliveriesNorLoginsListDirectories() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.store.maildir", Map.of("maxOpenFolders", "3"));
        athena.start();
        athena.admin("dir:user-add", "big@example.org", "big-pw").ok();
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        athena.admin("dir:quota-set", "alice@example.org", "104857600", "10000").ok();

        Path big = athena.inbox("big", "example.org");
        for (String d : new String[] {"new", "cur", "tmp"}) {
            Files.createDirectories(big.resolve(d));
        }
        byte[] body = ("Subject: filler\r\n\r\n" + "x".repeat(79) + "\r\n").getBytes();
        for (int i = 0; i < MESSAGES; i++) {
            Files.write(big.resolve("cur/1700000000.M" + i + "P1.othertool,S=100:2,S"), body);
        }
        // Alice's folders, made by a mail client through another server: Maildir++ directories.
        Path alice = athena.inbox("alice", "example.org");
        for (int i = 0; i < 6; i++) {
            Path f = alice.resolve(".Folder" + i);
            for (String d : new String[] {"new", "cur", "tmp"}) {
                Files.createDirectories(f.resolve(d));
            }
            Files.writeString(f.resolve("cur/1700000000.M" + i + "P1.othertool:2,S"), "Subject: old\r\n\r\nx\r\n");
        }

        assertTrue(login(athena).contains("stat " + MESSAGES + " " + MESSAGES * 100L));
        long scans = stat(athena, "directory scans");
        assertTrue(login(athena).contains("stat " + MESSAGES + " "));
        assertEquals(scans, stat(athena, "directory scans"), "a login to an up-to-date maildrop lists nothing");

        deliver(athena, "first"); // the quota check sums alice's seven folders once, evicting big's INBOX
        assertTrue(stat(athena, "open folders") <= 3, athena.admin("store:stats").ok().out());
        assertTrue(stat(athena, "evictions") > 0);
        long loads = stat(athena, "index loads");
        scans = stat(athena, "directory scans");
        deliver(athena, "second");
        deliver(athena, "third");
        assertEquals(scans, stat(athena, "directory scans"), "deliveries list no directory");
        assertEquals(loads, stat(athena, "index loads"), "deliveries read no other folder's index");
        assertTrue(athena.admin("store:quota", "alice@example.org").ok().out().contains(": 9 messages"));

        assertTrue(login(athena).contains("stat " + MESSAGES + " ")); // big's INBOX was evicted: loaded again
        assertEquals(scans, stat(athena, "directory scans"), "evicted in sync, opened again without a listing");
        athena.stop();
        athena.start();
        assertTrue(login(athena).contains("stat " + MESSAGES + " "));
        assertEquals(0, stat(athena, "directory scans"), "stopped in sync, opened after a restart without a listing");
        assertTrue(stat(athena, "open folders") <= 3);
    }
}
