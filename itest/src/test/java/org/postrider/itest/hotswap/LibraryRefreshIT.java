package org.postrider.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.LineClient;

/**
 * The shared libraries (in bundle/, not watched by FileInstall) are replaced by new builds,
 * one after another, while an SMTP client sends: kit, lineserver, then the API itself.
 * {@code postrider:refresh NAME} re-reads each and refreshes every bundle wired to it (for kit:
 * core, the store, the directory, smtp, lineserver and, through lineserver, pop3 and imap),
 * after which none is left wired to the old revision; every message answered 250 is delivered
 * exactly once, and the client was at worst told to retry: never reset. Lineserver's
 * listening sockets pass to its next revision through the sockets bundle, which no refresh of
 * these reaches, with the clients waiting in their backlogs.
 */
class LibraryRefreshIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void kitLineserverAndTheApiAreUpdatedAndTheirDependentsRefreshedUnderLightLoad() throws Exception {
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

        int before = acked.size();
        Prober prober = new Prober(smtp);
        replace(athena, "postrider-kit.jar", "org.postrider.kit", List.of("org.postrider.core",
                "org.postrider.store-maildir", "org.postrider.directory-file", "org.postrider.smtp",
                "org.postrider.lineserver", "org.postrider.pop3", "org.postrider.imap"));
        Await.until("mail flowing after the kit's refresh", Duration.ofSeconds(60), acked::size, n -> n >= before + 100);
        assertNoOldLineserverThreads(athena, "after the kit's refresh");
        // the line-protocol core, then the API every bundle imports: the same promise
        int beforeLineserver = acked.size();
        int takenBeforeLineserver = takenOver(athena);
        String refreshed = replace(athena, "postrider-lineserver.jar", "org.postrider.lineserver",
                List.of("org.postrider.smtp", "org.postrider.pop3", "org.postrider.imap"));
        assertFalse(refreshed.contains("org.postrider.sockets"), "the socket keeper is not refreshed: " + refreshed);
        assertTrue(takenOver(athena) > takenBeforeLineserver, "the new lineserver took the sockets over");
        assertNoOldLineserverThreads(athena, "after lineserver's refresh");
        Await.until("mail flowing after lineserver's refresh", Duration.ofSeconds(60), acked::size,
                n -> n >= beforeLineserver + 100);
        int beforeApi = acked.size();
        int takenBeforeApi = takenOver(athena);
        replaceApi(athena);
        assertTrue(takenOver(athena) > takenBeforeApi, "the sockets passed through the api's refresh too");
        assertNoOldLineserverThreads(athena, "after the api's refresh");
        Await.until("mail flowing after the api's refresh", Duration.ofSeconds(60), acked::size, n -> n >= beforeApi + 100);
        prober.close();
        System.out.println("LibraryRefreshIT: connects during the refreshes: " + prober.seen);
        assertTrue(prober.seen.getOrDefault("greeted", 0) > 0, prober.seen.toString());
        // the listening socket stayed open throughout: a connect waited in its backlog, never refused nor reset
        Set<String> wrongConnects = new java.util.TreeSet<>(prober.seen.keySet());
        wrongConnects.removeAll(Set.of("greeted", "told to retry"));
        assertEquals(Set.of(), wrongConnects, "connects during the refreshes: " + prober.seen);

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

    /**
     * The socket keeper (the sockets bundle) uninstalled: lineserver imports its package
     * optionally, so its next refresh still resolves it, and SMTP, POP3 and IMAP with it (they
     * stayed unresolved: NOT READY); its sockets are closed once unused then. Installed again,
     * the keeper is wired to the lineserver of the next refresh, and through it the sockets pass
     * to the lineserver of the refresh after that again.
     */
    @Test
    void lineserverIsRefreshedWithoutTheSocketKeeperAndUsesItAgainOnceItIsBack() throws Exception {
        Instance athena = instances.create("athena");
        int smtp;
        try (ServerSocket s = new ServerSocket(0)) {
            smtp = s.getLocalPort();
        }
        athena.config("org.postrider.smtp", Map.of("port", String.valueOf(smtp)));
        athena.start();
        List<String> dependents = List.of("org.postrider.smtp", "org.postrider.pop3", "org.postrider.imap");

        athena.admin("uninstall " + bundleId(athena, "org.postrider.sockets")).ok();
        replace(athena, "postrider-lineserver.jar", "org.postrider.lineserver", dependents);
        assertTrue(greeting(smtp).startsWith("220"), "SMTP serves without the keeper");
        assertNoOldLineserverThreads(athena, "after a refresh without the keeper");

        String installed = athena.admin("install " + athena.home().resolve("bundle/postrider-sockets.jar").toUri())
                .ok().out();
        Matcher id = Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
        assertTrue(id.find(), installed);
        athena.admin("start " + id.group(1)).ok();
        replace(athena, "postrider-lineserver.jar", "org.postrider.lineserver", dependents); // wires the keeper
        assertTrue(greeting(smtp).startsWith("220"), "SMTP serves after the refresh that found the keeper back");
        int taken = takenOver(athena);
        replace(athena, "postrider-lineserver.jar", "org.postrider.lineserver", dependents);
        assertTrue(takenOver(athena) > taken, "the sockets passed through the keeper that came back");
        assertTrue(greeting(smtp).startsWith("220"), "SMTP serves");
        assertNoOldLineserverThreads(athena, "after three refreshes");
    }

    private static String bundleId(Instance athena, String name) throws Exception {
        String out = athena.admin("lb -s " + name).ok().out();
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\s*\\|.*\\b" + Pattern.quote(name) + " ").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    private static String greeting(int port) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            return String.valueOf(line);
        }
    }

    /**
     * A refresh of lineserver (or of what it uses) leaves no thread of the old revision: one
     * watchdog and at most one linger timer in all, the current lineserver's (each refresh
     * left one of each before, holding the old revision's class loader).
     */
    private static void assertNoOldLineserverThreads(Instance athena, String when) throws Exception {
        Await.until("at most one lineserver-watchdog thread " + when, Duration.ofSeconds(15),
                () -> threadsNamed(athena, "lineserver-watchdog"), n -> n <= 1);
        Await.until("at most one lineserver-socket-closer thread " + when, Duration.ofSeconds(15),
                () -> threadsNamed(athena, "lineserver-socket-closer"), n -> n <= 1);
    }

    /** The server's live platform threads of that name, from a thread dump (jcmd Thread.print). */
    private static int threadsNamed(Instance athena, String name) throws Exception {
        ProcessHandle server = athena.process().orElseThrow();
        Path jcmd = Path.of(server.info().command().orElseThrow()).resolveSibling("jcmd");
        String dump = Exec.run(List.of(jcmd.toString(), Long.toString(server.pid()), "Thread.print"), athena.home(),
                Map.of(), Duration.ofSeconds(60)).ok().out();
        return dump.split("\"" + Pattern.quote(name) + "\"", -1).length - 1;
    }

    /**
     * Connects to SMTP over and over while the libraries are refreshed and reads the greeting:
     * "greeted" (220), "told to retry" (a 421 from a listener that was stopping), or what
     * went wrong (refused, reset, closed without a greeting).
     */
    private static final class Prober implements AutoCloseable {
        final Map<String, Integer> seen = new ConcurrentHashMap<>();
        private volatile boolean stop;
        private final Thread thread;

        Prober(int port) {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (!stop) {
                    String what;
                    try (java.net.Socket s = new java.net.Socket()) {
                        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
                        s.setSoTimeout(60_000);
                        String greeting = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                                StandardCharsets.US_ASCII)).readLine();
                        what = greeting == null ? "closed without a greeting"
                                : greeting.startsWith("220") ? "greeted"
                                : greeting.startsWith("421") ? "told to retry" : "answered " + greeting;
                        s.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (java.net.ConnectException e) {
                        what = "refused";
                    } catch (java.io.IOException e) {
                        what = "failed: " + e;
                    }
                    seen.merge(what, 1, Integer::sum);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(70_000);
        }
    }

    /** How many listeners took their socket over from a previous lineserver (the log says so each time). */
    private static int takenOver(Instance athena) throws Exception {
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"), StandardCharsets.UTF_8);
        return log.split("from the previous lineserver", -1).length - 1;
    }

    /** A new build of a library in bundle/ (a new version), then postrider:refresh of it; what it said. */
    private static String replace(Instance athena, String jar, String name, List<String> dependents) throws Exception {
        String version = stage(athena, jar);
        String out = athena.admin("postrider:refresh " + name).ok().out();
        System.out.println("LibraryRefreshIT: " + out);
        assertTrue(out.contains("updated " + name + " to " + version), out);
        for (String dependent : dependents) {
            assertTrue(out.contains(" " + dependent), dependent + " refreshed: " + out);
        }
        assertTrue(out.contains("refreshed; ready"), out);
        assertRefreshed(athena, name, version);
        return out;
    }

    /**
     * The API: every bundle is wired to it, the admin channel's own bundle too, so the command's
     * session may end before its answer (it says so when it can); the server is then ready again.
     */
    private static void replaceApi(Instance athena) throws Exception {
        String version = stage(athena, "postrider-api.jar");
        System.out.println("LibraryRefreshIT: " + athena.admin("postrider:refresh org.postrider.api").out());
        // until the refresh has gone through (asking again while it runs refreshes nothing new)
        Await.until("no bundle left on the old api", Duration.ofSeconds(90),
                () -> athena.admin("postrider:refresh").out(), out -> out.contains("nothing to refresh"));
        Await.until("the server ready after the api's refresh", Duration.ofSeconds(90),
                () -> athena.admin("postrider:ready").exit(), code -> code == 0);
        assertTrue(athena.admin("lb -s org.postrider.api").ok().out().contains("org.postrider.api (" + version + ")"));
    }

    private static String stage(Instance athena, String jar) throws Exception {
        Path file = athena.home().resolve("bundle/" + jar);
        String version = BundleJars.version(file) + "refresh";
        Path staged = athena.home().resolve(jar + ".next");
        BundleJars.withVersion(file, staged, version);
        Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return version;
    }

    private static void assertRefreshed(Instance athena, String name, String version) throws Exception {
        assertTrue(athena.admin("lb -s " + name).ok().out().contains(name + " (" + version + ")"));
        assertTrue(athena.admin("postrider:refresh").ok().out().contains("nothing to refresh"),
                "no bundle left wired to the old " + name);
    }
}
