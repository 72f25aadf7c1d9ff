package org.postrider.itest.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One Postrider installation of its own: a fresh copy of the assembled distribution with
 * its own data folder, server name and configuration, driven through its bin/postrider
 * exactly as an administrator would.
 */
public final class Instance {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Path home;
    private volatile String javaOptions = "";

    Instance(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    /** The assembled distribution that every instance is copied from. */
    public static Path distribution() {
        Path dist = Path.of(System.getProperty("postrider.dist", "../distribution/target/postrider"));
        if (!Files.isRegularFile(dist.resolve("bin/felix.jar"))) {
            throw new IllegalStateException("no assembled distribution at " + dist + "; build it first");
        }
        return dist.toAbsolutePath().normalize();
    }

    static Instance create(String name) throws IOException {
        Path root = Path.of(System.getProperty("postrider.instances", "target/instances"));
        Files.createDirectories(root);
        Path home = Files.createTempDirectory(root.toAbsolutePath(), name + "-");
        copyTree(distribution(), home);
        Instance i = new Instance(name, home);
        i.frameworkProperty("postrider.server.name", name);
        // FileInstall looks at deploy/ every 200 ms, not every second: the tests change configuration
        // and bundles live and wait for it to be read (every write the tests make there is atomic)
        i.frameworkProperty("felix.fileinstall.poll", "200");
        // Own ports for every instance: listeners bind port 0 and report what they got.
        i.config("org.postrider.pop3", Map.of("port", "0", "tlsPort", "0"));
        i.config("org.postrider.imap", Map.of("port", "0", "tlsPort", "0"));
        i.config("org.postrider.smtp", Map.of("port", "0", "submissionPort", "0", "submissionsPort", "0"));
        i.config("org.postrider.internal", Map.of("port", "0", "secretFile",
                home.resolve("data/internal/org.secret").toString())); // in-process too: never in the source tree
        return i;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    public String name() {
        return name;
    }

    public Path home() {
        return home;
    }

    public Path runDir() {
        return home.resolve("data/run");
    }

    /** Sets a framework property in conf/config.properties (before start). */
    public void frameworkProperty(String key, String value) throws IOException {
        Path conf = home.resolve("conf/config.properties");
        List<String> lines = new ArrayList<>(Files.readAllLines(conf));
        lines.removeIf(l -> l.startsWith(key + "="));
        lines.add(key + "=" + value);
        Files.write(conf, lines);
    }

    /**
     * Sets keys in deploy/PID.cfg (other keys stay), written atomically as an admin should,
     * since FileInstall may read it live.
     */
    public void config(String pid, Map<String, String> values) throws IOException {
        Path file = home.resolve("deploy/" + pid + ".cfg");
        java.util.Properties merged = new java.util.Properties();
        if (Files.exists(file)) {
            try (var in = Files.newInputStream(file)) {
                merged.load(in);
            }
        }
        merged.putAll(values);
        StringBuilder sb = new StringBuilder();
        merged.stringPropertyNames().stream().sorted()
                .forEach(k -> sb.append(k).append('=').append(merged.getProperty(k)).append('\n'));
        Path tmp = home.resolve("deploy-" + pid + ".tmp");
        Files.writeString(tmp, sb, StandardCharsets.UTF_8);
        Files.move(tmp, home.resolve("deploy/" + pid + ".cfg"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Copies a bundle into deploy/ atomically, as an admin should; FileInstall picks it up. */
    public void deploy(Path jar, String fileName) throws IOException {
        Path tmp = home.resolve(fileName + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, home.resolve("deploy/" + fileName), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** The INBOX Maildir of a user of this instance (the store's layout, for checks from outside). */
    public Path inbox(String localPart, String domain) {
        return home.resolve("data/mail").resolve(domain).resolve(localPart);
    }

    /** Message files in a Maildir's new/ and cur/. */
    public List<Path> messages(Path maildir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            Path d = maildir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(files::add);
                }
            }
        }
        files.sort(null);
        return files;
    }

    /** The port a listener really bound (configure port 0 to let the system pick a free one). */
    public int listenerPort(String listener) throws Exception {
        String out = admin("postrider:listeners").ok().out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s+" + java.util.regex.Pattern.quote(listener)
                + "\\s+\\S+\\s+\\S+:(\\d+) ").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no listener " + listener + " in\n" + out);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Queues a message file for the envelope, as an administrator would; returns the queue id. */
    public String submit(Path message, String sender, String... recipients) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("queue:submit", message.toString(), sender));
        cmd.addAll(List.of(recipients));
        String out = admin(cmd.toArray(String[]::new)).ok().out();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("queued as (\\w+)").matcher(out);
        if (!m.find()) {
            throw new AssertionError(out);
        }
        return m.group(1);
    }

    /**
     * Queues a message and waits until the queue is empty again, so that messages queued one
     * after another this way are stored in that order: the queue delivers several at once, and
     * a test that reads "the first" and "the second" message must not race it.
     */
    public String submitAndDeliver(Path message, String sender, String... recipients) throws Exception {
        String id = submit(message, sender, recipients);
        awaitQueueEmpty(Duration.ofSeconds(30));
        return id;
    }

    /** Waits until the queue holds no message, readable or not. */
    public void awaitQueueEmpty(Duration timeout) throws Exception {
        Await.until("an empty queue on " + name, timeout, () -> admin("queue:stats").ok().out(),
                out -> out.contains("queued:    0\n") && out.contains("unreadable: 0\n"));
    }

    /** JVM options for the server's next start (POSTRIDER_JAVA_OPTS, after the script's own: -Xmx96m wins). */
    public void javaOptions(String options) {
        javaOptions = options;
    }

    /** {@code bin/postrider start}: returns once the server is ready, with what it printed. */
    public Exec.Result start() throws IOException, InterruptedException {
        return script("start").ok();
    }

    public Exec.Result stop() throws IOException, InterruptedException {
        return script("stop").ok();
    }

    /**
     * Runs one Gogo command over the admin channel as {@code bin/postrider admin} does, from this
     * JVM (see {@link AdminChannel}); check {@link Exec.Result#exit()}. For the script itself:
     * {@code script("admin", ...)}.
     */
    public Exec.Result admin(String... command) throws IOException, InterruptedException {
        return AdminChannel.run(home, List.of(command), COMMAND_TIMEOUT);
    }

    /** Runs Gogo commands, one a line, through one admin session (bin/postrider admin reading stdin). */
    public Exec.Result adminScript(String commands) throws IOException, InterruptedException {
        Path file = Files.createTempFile(home, "admin", ".gogo");
        Files.writeString(file, commands);
        return Exec.run(List.of("bash", "-c", "bash bin/postrider admin < '" + file + "'"), home, Map.of(),
                COMMAND_TIMEOUT);
    }

    public Exec.Result script(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("bin/postrider").toString()));
        cmd.addAll(List.of(args));
        return Exec.run(cmd, home, javaOptions.isEmpty() ? Map.of() : Map.of("POSTRIDER_JAVA_OPTS", javaOptions),
                COMMAND_TIMEOUT);
    }

    /** The server's process, if it runs (not once it has ended, reaped or not: see {@link ProcessState}). */
    public Optional<ProcessHandle> process() {
        try {
            Path pidFile = runDir().resolve("postrider.pid");
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String pid = Files.readString(pidFile).trim();
            return pid.isEmpty() ? Optional.empty()
                    : ProcessHandle.of(Long.parseLong(pid)).filter(p -> p.isAlive() && !ProcessState.ended(p.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kill -9: no shutdown hook, no clean stop. */
    public void kill9() throws InterruptedException {
        Optional<ProcessHandle> p = process();
        if (p.isPresent()) {
            p.get().destroyForcibly();
            ProcessState.awaitEnded(p.get().pid()); // not onExit(): it waits for PID 1 to reap
        }
    }

    /** The ready marker's JVM uptime at readiness, in ms. */
    public long readyMillis() throws IOException {
        for (String line : Files.readAllLines(runDir().resolve("ready"))) {
            if (line.startsWith("uptime-ms=")) {
                return Long.parseLong(line.substring("uptime-ms=".length()));
            }
        }
        throw new IllegalStateException("no uptime in ready marker");
    }

    /** The server's log files, for a failed test's report. */
    public String logs() {
        StringBuilder sb = new StringBuilder();
        for (String f : List.of("data/log/postrider.log", "data/log/console.log")) {
            Path p = home.resolve(f);
            try {
                if (Files.exists(p)) {
                    List<String> lines = Files.readAllLines(p);
                    sb.append("---- ").append(name).append(": ").append(f).append(" (last 200 lines)\n");
                    lines.subList(Math.max(0, lines.size() - 200), lines.size()).forEach(l -> sb.append(l).append('\n'));
                }
            } catch (IOException e) {
                sb.append("(cannot read ").append(p).append(": ").append(e).append(")\n");
            }
        }
        return sb.toString();
    }

    /** Stops the server if it runs; kills it if a clean stop fails. */
    void shutdown() {
        try {
            if (process().isPresent()) {
                Exec.Result r = script("stop");
                if (r.exit() != 0) {
                    kill9();
                }
            }
        } catch (IOException | InterruptedException e) {
            try {
                kill9();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
