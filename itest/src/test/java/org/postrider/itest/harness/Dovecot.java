package org.postrider.itest.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A private Dovecot instance (the Debian packages dovecot-core and dovecot-lmtpd) with an
 * LMTP listener on a loopback port of its own, its own base_dir, state and log, and Maildirs
 * for the users the test names. Started as root, as Dovecot must be; it delivers as nobody,
 * so its folder lives under /tmp (an instance's home is 0700 root). The way bench/run runs
 * its peer Dovecot.
 */
public final class Dovecot implements AutoCloseable {
    private static final int NOBODY = 65534;
    private static final Path DOVECOT = Path.of("/usr/sbin/dovecot");
    private static final Path LMTP = Path.of("/usr/lib/dovecot/lmtp");

    private final Path dir;
    private final Path conf;
    private final int port;

    private Dovecot(Path dir, int port) {
        this.dir = dir;
        this.conf = dir.resolve("dovecot.conf");
        this.port = port;
    }

    /** Fails the test (or skips it with POSTRIDER_ALLOW_MISSING_TOOLS=1) when Dovecot cannot run here. */
    public static void require() {
        Required.root("Dovecot starts as root and drops to its users");
        Required.tool(DOVECOT.toString(), "Dovecot (Debian package dovecot-core)");
        Required.tool(LMTP.toString(), "Dovecot's LMTP server (Debian package dovecot-lmtpd)");
    }

    /** Writes the configuration for these users (full addresses) and starts Dovecot. */
    public static Dovecot start(String... users) throws Exception {
        Dovecot d = prepare(users);
        d.start();
        return d;
    }

    /** Writes the configuration and picks the port, without starting Dovecot: a server that is down. */
    public static Dovecot prepare(String... users) throws Exception {
        require();
        Path dir = Files.createTempDirectory("postrider-dovecot-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Dovecot d = new Dovecot(dir, port);
        d.configure(users);
        return d;
    }

    private void configure(String... users) throws IOException, InterruptedException {
        Path mail = Files.createDirectories(dir.resolve("mail"));
        List<String> passwd = new ArrayList<>();
        for (String u : users) {
            passwd.add(u + "::" + NOBODY + ":" + NOBODY + "::" + mail.resolve(u) + "::");
        }
        Files.write(dir.resolve("users"), passwd);
        Exec.run(List.of("chown", "-R", NOBODY + ":" + NOBODY, mail.toString()), dir, Map.of(), Duration.ofSeconds(10))
                .ok();
        Files.writeString(conf, """
                # A private Dovecot for one test (dovecot -c this file).
                instance_name = postrider-itest-%1$s
                base_dir = %2$s/run
                state_dir = %2$s/state
                log_path = %2$s/dovecot.log
                protocols = lmtp
                listen = 127.0.0.1
                ssl = no
                first_valid_uid = %3$d
                mail_location = maildir:~/Maildir
                passdb {
                  driver = passwd-file
                  args = %2$s/users
                }
                userdb {
                  driver = passwd-file
                  args = %2$s/users
                }
                service lmtp {
                  inet_listener lmtp {
                    address = 127.0.0.1
                    port = %4$d
                  }
                }
                protocol lmtp {
                  postmaster_address = postmaster@legacy.example.org
                }
                """.formatted(dir.getFileName(), dir, NOBODY, port));
    }

    /** Starts Dovecot (again) and waits until its LMTP port takes connections. */
    public void start() throws Exception {
        Exec.run(List.of(DOVECOT.toString(), "-c", conf.toString()), dir, Map.of(), Duration.ofSeconds(30)).ok();
        Await.until("Dovecot's LMTP port " + port, Duration.ofSeconds(20), this::listening, l -> l);
    }

    /** Stops Dovecot and waits until its processes are gone and its port is closed. */
    public void stop() throws Exception {
        Path pidFile = dir.resolve("run/master.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        // its children too: one left behind would go on serving the port
        java.util.Set<ProcessHandle> all = new java.util.HashSet<>();
        ProcessHandle.of(pid).ifPresent(p -> {
            all.add(p);
            p.descendants().forEach(all::add);
        });
        Exec.run(List.of(DOVECOT.toString(), "-c", conf.toString(), "stop"), dir, Map.of(), Duration.ofSeconds(30));
        try {
            Await.until("Dovecot to stop", Duration.ofSeconds(20),
                    () -> all.stream().anyMatch(p -> !ProcessState.ended(p.pid())), alive -> !alive);
        } catch (AssertionError slow) {
            all.forEach(ProcessHandle::destroyForcibly);
        }
        Await.until("Dovecot's port to close", Duration.ofSeconds(20), this::listening, l -> !l);
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The message files in a user's Maildir INBOX (new/ and cur/). */
    public List<Path> messages(String user) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            Path d = dir.resolve("mail").resolve(user).resolve("Maildir").resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.forEach(out::add);
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Dovecot's log, for a failed test's report. */
    public String log() {
        try {
            Path log = dir.resolve("dovecot.log");
            return Files.exists(log) ? Files.readString(log) : "(no Dovecot log)";
        } catch (IOException e) {
            return "(cannot read Dovecot's log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
