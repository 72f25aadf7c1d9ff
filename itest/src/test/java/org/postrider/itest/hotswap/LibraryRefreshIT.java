package org.postrider.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.LineClient;

/**
 * The shared library kit (in bundle/, not watched by FileInstall) is replaced by a new build
 * while an SMTP client sends: {@code postrider:refresh org.postrider.kit} re-reads it and
 * refreshes every bundle wired to it (core, the store, the directory, smtp, lineserver and,
 * through lineserver, pop3 and imap), after which none is left wired to the old revision and
 * every message answered 250 is delivered exactly once; the client was at worst told to retry.
 */
class LibraryRefreshIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void kitIsUpdatedAndItsDependentsRefreshedUnderLightLoad() throws Exception {
        Instance athena = instances.create("athena");
        int smtp;
        try (ServerSocket s = new ServerSocket(0)) {
            smtp = s.getLocalPort();
        }
        athena.config("org.postrider.smtp", Map.of("port", String.valueOf(smtp)));
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1s", "agentWait", "1s"));
        athena.start();
        athena.admin("dir:user-add", "alice@example.org", "pw").ok();
        long pid = athena.process().orElseThrow().pid();

        Path work = Files.createDirectories(athena.home().resolve("load"));
        Path sender = work.resolve("sender.py");
        Files.writeString(sender, EveryBundleSwapUnderLoadIT.SENDER);
        Path stop = work.resolve("stop");
        Set<String> acked = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        LineClient client = new LineClient(new ProcessBuilder("python3",
                sender.toString(), String.valueOf(smtp), stop.toString(), "3000", "k", "alice@example.org"),
                work.resolve("sender.err"), l -> {
                    String[] f = l.split(" ", 3);
                    switch (f[0]) {
                        case "ACK" -> acked.add(f[1]);
                        case "TEMP", "BYE", "REFUSED", "END" -> { }
                        default -> problems.add(l);
                    }
                });
        Await.until("the load under way", Duration.ofSeconds(30), acked::size, n -> n >= 50);

        Path kit = athena.home().resolve("bundle/postrider-kit.jar");
        String version = BundleJars.version(kit) + "refresh";
        Path staged = athena.home().resolve("kit-next.jar");
        BundleJars.withVersion(kit, staged, version);
        Files.move(staged, kit, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        int before = acked.size();
        String out = athena.admin("postrider:refresh org.postrider.kit").ok().out();
        System.out.println("LibraryRefreshIT: " + out);
        assertTrue(out.contains("updated org.postrider.kit to " + version), out);
        for (String dependent : List.of("org.postrider.core", "org.postrider.store-maildir",
                "org.postrider.directory-file", "org.postrider.smtp", "org.postrider.lineserver", "org.postrider.pop3",
                "org.postrider.imap")) {
            assertTrue(out.contains(" " + dependent), dependent + " refreshed: " + out);
        }
        assertTrue(out.contains("refreshed; ready"), out);
        assertTrue(athena.admin("lb -s org.postrider.kit").ok().out().contains("org.postrider.kit (" + version + ")"));
        assertTrue(athena.admin("postrider:refresh").ok().out().contains("nothing to refresh"),
                "no bundle left wired to the old kit");
        Await.until("mail flowing after the refresh", Duration.ofSeconds(60), acked::size, n -> n >= before + 100);

        Files.createFile(stop);
        assertNull(client.await(Duration.ofSeconds(60)), "the client ended normally");
        assertEquals(pid, athena.process().orElseThrow().pid(), "no restart");
        athena.awaitQueueEmpty(Duration.ofSeconds(60));
        Map<String, Integer> delivered = new HashMap<>();
        Pattern id = Pattern.compile("(?mi)^Message-ID: (<k-\\d+@example.net>)");
        for (Path f : athena.messages(athena.inbox("alice", "example.org"))) {
            Matcher m = id.matcher(Files.readString(f, StandardCharsets.ISO_8859_1));
            if (m.find()) {
                delivered.merge(m.group(1), 1, Integer::sum);
            }
        }
        List<String> wrong = new ArrayList<>();
        acked.forEach(a -> {
            if (delivered.getOrDefault(a, 0) != 1) {
                wrong.add(a + " accepted, delivered " + delivered.getOrDefault(a, 0) + " times");
            }
        });
        delivered.keySet().stream().filter(m -> !acked.contains(m)).forEach(m -> wrong.add(m + " never accepted"));
        System.out.printf("LibraryRefreshIT: %d accepted, %d before the refresh%n", acked.size(), before);
        assertEquals(List.of(), new ArrayList<>(problems), "client problems");
        assertEquals(List.of(), wrong);
    }
}
