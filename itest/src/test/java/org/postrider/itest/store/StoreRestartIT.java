package org.postrider.itest.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * A store restart (a change of its configuration) while a POP3 session holds the maildrop:
 * the session holds names (UIDVALIDITY and UIDs), not the stopped store's objects, so its
 * QUIT goes to the new store and the deletion it marked is applied there, once; the stopped
 * store never opens the folder again beside the new one (two writers of one index hand out
 * UIDs twice).
 */
class StoreRestartIT {
    @RegisterExtension
    final Instances instances = new Instances();

    private static final String SESSION = """
            import os, poplib, ssl, sys, time
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
            p.user('alice@example.org'); p.pass_('alice-pw')
            print('stat', *p.stat())
            p.dele(1)
            open(sys.argv[2], 'w').close()
            deadline = time.time() + 60
            while not os.path.exists(sys.argv[3]) and time.time() < deadline:
                time.sleep(0.05)
            try:
                print('quit', p.quit().decode())
            except poplib.error_proto as e:
                print('quit', e.args[0].decode())
            """;

    @Test
    void aSessionAcrossAStoreRestartCompletesThroughTheNewStore() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        Path eml = athena.home().resolve("m.eml");
        Files.writeString(eml, "From: carol@example.net\r\nSubject: kept\r\n\r\nbody\r\n");
        athena.submit(eml, "carol@example.net", "alice@example.org");
        athena.awaitQueueEmpty(Duration.ofSeconds(30));

        Path in = athena.home().resolve("session-in");
        Path go = athena.home().resolve("session-go");
        String port = String.valueOf(athena.listenerPort("pop3s"));
        CompletableFuture<String> session = CompletableFuture.supplyAsync(() -> {
            try {
                return Python.run(athena.home(), SESSION, port, in.toString(), go.toString()).ok().out();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Await.until("the session logged in with a deletion marked", Duration.ofSeconds(30), () -> Files.exists(in),
                b -> b);
        athena.config("org.postrider.store.maildir", Map.of("maxOpenFolders", "500"));
        Await.until("the store restarted", Duration.ofSeconds(30), athena::logs,
                l -> l.contains("at most 500 folders open"));
        Files.createFile(go);
        String out = session.get(90, TimeUnit.SECONDS);
        assertTrue(out.contains("stat 1 "), out);
        assertTrue(out.contains("quit +OK bye (1 messages deleted)"), "QUIT applied through the new store: " + out);
        String info = athena.admin("store:info", "alice@example.org").ok().out();
        assertTrue(info.contains("uidnext:       2"), "UIDNEXT stays past the message: " + info);

        String again = Python.run(athena.home(), """
                import poplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                p = poplib.POP3_SSL('127.0.0.1', int(sys.argv[1]), context=ctx)
                p.user('alice@example.org'); p.pass_('alice-pw')
                print('stat', *p.stat())
                p.quit()
                """, port).ok().out();
        assertTrue(again.contains("stat 0 "), "the message was deleted once, by the new store: " + again);
    }
}
