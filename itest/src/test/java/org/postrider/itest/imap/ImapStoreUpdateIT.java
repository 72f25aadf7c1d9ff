package org.postrider.itest.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * An IMAP session across an update of the store bundle (its jar replaced in deploy/): the
 * session holds names, not the old store's objects, so it goes on through the new store. While
 * the store is away a command may get a retryable NO [UNAVAILABLE] (or, at worst, the session
 * a BYE and the client reconnects, once), never a BAD, a wrong UID or lost flags; a message delivered
 * meanwhile is told to the session, and its final view equals a fresh session's.
 */
class ImapStoreUpdateIT {
    @RegisterExtension
    final Instances instances = new Instances();

    private static final String SESSION = ImapIT.PREAMBLE + """
            import os, time
            port, rounds_file, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            def connect():
                m = tls(port); ok(m.login('ira@example.org', 'pw')); ok(m.select('INBOX')); return m
            m = connect()
            rounds = 0; reconnects = 0; tick = True
            def record(name, r):
                if r[0] != 'OK':
                    print('reply', name, r[0], r[1])
            while not os.path.exists(stop):
                try:
                    record('store', m.uid('STORE', '1:*', '+FLAGS.SILENT' if tick else '-FLAGS.SILENT', '($Tick)'))
                    r = m.uid('FETCH', '1:*', '(UID FLAGS)')
                    record('fetch', r)
                    if r[0] == 'OK':
                        for line in r[1]:
                            if line:
                                print('fetched', line.decode())
                    record('noop', m.noop())
                    tick = not tick
                    rounds += 1
                    with open(rounds_file, 'w') as f:
                        f.write(str(rounds))
                except (imaplib.IMAP4.abort, OSError) as e:
                    print('reconnect', e)
                    reconnects += 1
                    time.sleep(0.2)
                    m = connect()
                except imaplib.IMAP4.error as e:
                    print('reply error', e)
            print('final', sorted(l.decode() for l in ok(m.uid('FETCH', '1:*', '(UID FLAGS)'))))
            print('rounds', rounds, 'reconnects', reconnects)
            m.logout()
            """;

    @Test
    void aSessionGoesOnThroughTheNewStoreWithRetryableRepliesAtWorst() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        athena.start();
        athena.admin("dir:user-add", "ira@example.org", "pw").ok();
        for (int i = 1; i <= 4; i++) {
            Path eml = athena.home().resolve("m" + i + ".eml");
            Files.writeString(eml, "From: carol@example.net\r\nSubject: m" + i + "\r\n\r\nbody " + i + "\r\n");
            if (i < 4) {
                // in order: UIDs follow the names (the queue delivers several at once)
                athena.submitAndDeliver(eml, "carol@example.net", "ira@example.org");
            }
        }
        athena.awaitQueueEmpty(Duration.ofSeconds(30));

        Path rounds = athena.home().resolve("rounds");
        Path stop = athena.home().resolve("stop");
        String port = String.valueOf(athena.listenerPort("imaps"));
        CompletableFuture<String> session = CompletableFuture.supplyAsync(() -> {
            try {
                return Python.run(athena.home(), SESSION, port, rounds.toString(), stop.toString()).ok().out();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the session under way", Duration.ofSeconds(30), () -> rounds(rounds), n -> n >= 20);

        Path jar = athena.home().resolve("deploy/postrider-store-maildir.jar");
        String version = BundleJars.version(jar);
        Path staged = athena.home().resolve("store-update.jar");
        BundleJars.withVersion(jar, staged, version + "update");
        Files.move(staged, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        athena.submit(athena.home().resolve("m4.eml"), "carol@example.net", "ira@example.org");
        Await.until("the new store in service", Duration.ofSeconds(45),
                () -> athena.admin("postrider:contracts").ok().out(), o -> o.contains(version + "update"));
        athena.awaitQueueEmpty(Duration.ofSeconds(30));
        long after = rounds(rounds);
        Await.until("the session going on through the new store", Duration.ofSeconds(30), () -> rounds(rounds),
                n -> n >= after + 20);
        Files.createFile(stop);
        String out = session.get(60, TimeUnit.SECONDS);
        System.out.println(out.lines().filter(l -> !l.startsWith("fetched")).toList());

        List<String> lines = out.lines().toList();
        for (String l : lines) {
            if (l.startsWith("reply ")) {
                assertTrue(l.contains(" NO ") && l.contains("[UNAVAILABLE]"), "only retryable refusals: " + l);
            }
            if (l.startsWith("fetched ")) {
                assertTrue(l.matches("fetched \\d+ \\(UID [1-4] FLAGS \\(.*\\)\\)"), "only UIDs that exist: " + l);
            }
        }
        String tally = lines.stream().filter(l -> l.startsWith("rounds ")).findFirst().orElseThrow();
        int reconnects = Integer.parseInt(tally.substring(tally.lastIndexOf(' ') + 1));
        // one update: at worst one BYE (the old store's session ended), never a session lost again and again
        assertTrue(reconnects <= 1, "at most one reconnect across one update: " + tally);
        String fresh = Python.run(athena.home(), ImapIT.PREAMBLE + """
                m = tls(int(sys.argv[1])); ok(m.login('ira@example.org', 'pw')); ok(m.select('INBOX'))
                print('final', sorted(l.decode() for l in ok(m.uid('FETCH', '1:*', '(UID FLAGS)'))))
                m.logout()
                """, port).ok().out().trim();
        String last = lines.stream().filter(l -> l.startsWith("final ")).findFirst().orElseThrow();
        // \Recent is each session's own; the rest is the mailbox's
        assertEquals(fresh.replaceAll(" ?\\\\\\\\Recent", ""), last.replaceAll(" ?\\\\\\\\Recent", ""),
                "the session's view is a fresh session's");
        assertTrue(Arrays.stream(new String[] {"UID 1 ", "UID 2 ", "UID 3 ", "UID 4 "}).allMatch(last::contains),
                "the message delivered during the update is there: " + last);
    }

    private static long rounds(Path file) {
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim().isEmpty() ? "0"
                    : Files.readString(file).trim()) : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
