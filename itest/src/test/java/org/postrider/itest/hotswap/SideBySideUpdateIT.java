package org.postrider.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * A side-by-side update of the SMTP bundle (the new version dropped into deploy/ under a new
 * file name, then the old jar removed) while a client connects over and over: both versions
 * accept on the one listening socket while both run, the old one hands it over as it stops,
 * and no connection is refused or told to go away. An in-place update (the jar replaced
 * under its name) then refuses none either: clients wait in the socket's backlog while the
 * bundle restarts.
 */
class SideBySideUpdateIT {
    private static final String SMTP = "org.postrider.smtp";

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void smtpUpdatedSideBySideAndInPlaceRefusesNoConnection() throws Exception {
        Instance athena = instances.create("athena");
        int port = freePort();
        athena.config("org.postrider.smtp", Map.of("port", String.valueOf(port), "maxPerAddress", "200"));
        athena.start();
        Path oldJar = athena.home().resolve("deploy/postrider-smtp.jar");
        String version = BundleJars.version(oldJar);

        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread prober = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                seen.merge(probe(port), 1, Integer::sum);
            }
        });
        try {
            Await.until("connections greeted", Duration.ofSeconds(10), () -> seen.getOrDefault("220", 0), n -> n > 20);

            // Side by side: the new version under a new name, then the old one removed.
            String next = version + "next";
            Path staged = athena.home().resolve("smtp-next.jar");
            BundleJars.withVersion(oldJar, staged, next);
            athena.deploy(staged, "postrider-smtp-next.jar");
            Await.until("both versions active", Duration.ofSeconds(30), () -> athena.admin("lb -s " + SMTP).out(),
                    o -> o.contains(SMTP + " (" + version + ")") && o.contains(SMTP + " (" + next + ")")
                            && o.split("\\|Active").length == 3);
            Await.until("the new version listening", Duration.ofSeconds(30),
                    () -> athena.admin("postrider:listeners").ok().out(),
                    o -> o.split(":" + port + " ").length >= 3); // two smtp listeners on the one port
            Files.delete(oldJar);
            Await.until("the old version gone", Duration.ofSeconds(30), () -> athena.admin("lb -s " + SMTP).out(),
                    o -> !o.contains(SMTP + " (" + version + ")") && o.contains(SMTP + " (" + next + ")"));
            int afterSideBySide = seen.getOrDefault("220", 0);
            Await.until("connections greeted by the new version alone", Duration.ofSeconds(10),
                    () -> seen.getOrDefault("220", 0), n -> n > afterSideBySide + 50);

            // In place: the jar replaced under its name.
            String third = version + "third";
            Path nextJar = athena.home().resolve("deploy/postrider-smtp-next.jar");
            BundleJars.withVersion(nextJar, staged, third);
            athena.deploy(staged, "postrider-smtp-next.jar");
            Await.until("the in-place update", Duration.ofSeconds(30), () -> athena.admin("lb -s " + SMTP).out(),
                    o -> o.contains(SMTP + " (" + third + ")") && o.contains("|Active"));
            Await.until("ready", Duration.ofSeconds(30), () -> athena.admin("postrider:ready").exit(), e -> e == 0);
            int afterInPlace = seen.getOrDefault("220", 0);
            Await.until("connections greeted after the in-place update", Duration.ofSeconds(10),
                    () -> seen.getOrDefault("220", 0), n -> n > afterInPlace + 50);
        } finally {
            stop.set(true);
            prober.join(30_000);
        }
        Map<String, Integer> others = new TreeMap<>(seen);
        int greeted = others.remove("220");
        System.out.printf("SideBySideUpdateIT: %d connections greeted%n", greeted);
        assertEquals(Map.of(), others, "connections refused or turned away (of " + greeted + ")");
        assertTrue(Files.readString(athena.home().resolve("data/log/postrider.log"), StandardCharsets.ISO_8859_1)
                .contains("smtp: taking over the listening socket"), "the handover is logged");
    }

    /** One connection: "220" when greeted, else what happened instead; QUIT politely. */
    private static String probe(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            String greeting = in.readLine();
            if (greeting == null) {
                return "closed without greeting";
            }
            OutputStream out = s.getOutputStream();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.readLine();
            return greeting.startsWith("220 ") ? "220" : greeting;
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
