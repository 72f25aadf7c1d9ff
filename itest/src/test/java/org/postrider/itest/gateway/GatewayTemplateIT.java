package org.postrider.itest.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * The gateway template as a third party uses it: its folder copied elsewhere and built there
 * with {@code mvn -o package} against the API artifact the distribution ships (in a local
 * repository of its own that holds that API and, through links, the build plugins), the jar
 * dropped into deploy/, and mail flows through it.
 */
class GatewayTemplateIT {
    @RegisterExtension
    final Instances instances = new Instances();

    /**
     * A local repository where org.postrider:postrider-api is the distribution's jar and
     * everything else is the build's own repository, linked folder by folder.
     */
    private static Path repository(Path at, String version) throws Exception {
        Path m2 = Path.of(System.getProperty("postrider.m2"));
        Path repo = Files.createDirectories(at);
        linkAllBut(m2, repo, "org");
        linkAllBut(m2.resolve("org"), Files.createDirectories(repo.resolve("org")), "postrider");
        Path ours = Files.createDirectories(repo.resolve("org/postrider"));
        Path api = Files.createDirectories(ours.resolve("postrider-api").resolve(version));
        Files.copy(Instance.distribution().resolve("bundle/postrider-api.jar"),
                api.resolve("postrider-api-" + version + ".jar"));
        Files.writeString(api.resolve("postrider-api-" + version + ".pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.postrider</groupId><artifactId>postrider-api</artifactId><version>%s</version>
                </project>
                """.formatted(version));
        return repo;
    }

    private static void linkAllBut(Path from, Path to, String except) throws Exception {
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals(except)) {
                    Files.createSymbolicLink(to.resolve(p.getFileName().toString()), p);
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith("target")) {
                    continue;
                }
                Path t = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    @Test
    void theTemplateBuildsOnItsOwnAndMailFlowsThroughIt() throws Exception {
        String version = System.getProperty("postrider.version");
        Path work = Files.createTempDirectory(Path.of(System.getProperty("postrider.instances")).toAbsolutePath(),
                "template-");
        Path folder = work.resolve("my-gateway");
        copyTree(Path.of(System.getProperty("postrider.template")), folder);
        Path repo = repository(work.resolve("m2"), version);
        String javaHome = System.getProperty("java.home");
        Exec.Result build = Exec.run(List.of("mvn", "-o", "-B", "-Dstyle.color=never", "package",
                "-Dmaven.repo.local=" + repo, "-Dpostrider.version=" + version), folder,
                Map.of("JAVA_HOME", javaHome, "MAVEN_OPTS", Runtime.version().feature() >= 24
                        ? "--sun-misc-unsafe-memory-access=allow" : ""), Duration.ofMinutes(5));
        build.ok();
        String printed = build.out().replaceAll("\u001b\\[[0-9;]*m", ""); // Maven 3.8 colours even with -B
        assertTrue(printed.contains("Tests run: 2, Failures: 0"), "the template's own tests ran:\n" + printed);
        Path jar = folder.resolve("target/example-gateway-1.0.0-SNAPSHOT.jar");
        String imports;
        try (JarFile j = new JarFile(jar.toFile())) {
            imports = j.getManifest().getMainAttributes().getValue("Import-Package");
            assertTrue(j.getEntry("OSGI-INF/com.example.gateway.ExampleGateway.xml") != null, "a DS component");
        }
        assertTrue(imports.contains("org.postrider.api.gateway"), imports);
        assertFalse(imports.matches("(?s).*org\\.postrider\\.(?!api).*"), "nothing of Postrider but the API: " + imports);

        Instance athena = instances.create("athena");
        Path mailboxes = athena.home().resolve("data/example-gateway");
        Files.createDirectories(mailboxes.resolve("bob"));
        // the template's own .cfg, with the mailboxes in this instance
        java.util.Properties cfg = new java.util.Properties();
        try (var in = Files.newInputStream(folder.resolve("com.example.gateway.cfg"))) {
            cfg.load(in);
        }
        assertTrue(cfg.getProperty("addressSpaces", "").contains("*@example.test"), cfg.toString());
        Map<String, String> values = new java.util.HashMap<>();
        cfg.stringPropertyNames().forEach(k -> values.put(k, cfg.getProperty(k)));
        values.put("root", mailboxes.toString());
        athena.config("com.example.gateway", values);
        athena.deploy(jar, "example-gateway.jar");
        athena.start();
        Await.until("the template gateway bound", Duration.ofSeconds(20), () -> athena.admin("gateway:list").ok().out(),
                o -> o.contains("gateway:example          bound"));
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                body = b'From: alice@example.org\\r\\nSubject: through the template\\r\\nMessage-ID: <templ@example.org>\\r\\n\\r\\nhello\\r\\n'
                print('sent', s.sendmail('alice@example.org', ['bob@example.test', 'nobody@example.test'], body)); s.quit()
                """, String.valueOf(athena.listenerPort("submission"))).ok().out();
        assertTrue(out.contains("sent {}"), out);
        List<Path> got = Await.until("the message in the example system's mailbox", Duration.ofSeconds(30),
                () -> {
                    try (Stream<Path> s = Files.list(mailboxes.resolve("bob"))) {
                        return s.filter(p -> p.toString().endsWith(".eml")).toList();
                    }
                }, l -> l.size() == 1);
        String m = Files.readString(got.get(0), StandardCharsets.UTF_8);
        assertTrue(m.contains("Message-ID: <templ@example.org>") && m.endsWith("\r\n\r\nhello\r\n"), m);
        List<Path> bounce = Await.until("the bounce for the mailbox the example system has not",
                Duration.ofSeconds(30), () -> athena.messages(athena.inbox("alice", "example.org")), l -> l.size() == 1);
        String dsn = Files.readString(bounce.get(0), StandardCharsets.UTF_8);
        assertTrue(dsn.contains("nobody@example.test") && dsn.contains("5.1.1"), dsn);
    }
}
