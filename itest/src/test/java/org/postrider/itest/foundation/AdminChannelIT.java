package org.postrider.itest.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Required;
import org.postrider.itest.harness.ListeningSockets;

/** The admin channel answers its owner only, and Gogo is on no network port. */
class AdminChannelIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void socketIsOwnerOnlyAndNoShellListensOnTheNetwork() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        Path socket = athena.runDir().resolve("admin.sock");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(athena.runDir())));
        assertEquals(Files.getOwner(athena.home()), Files.getOwner(socket));

        // Every TCP port the server holds is a listener it reports: no telnetd, no hidden shell.
        long pid = athena.process().orElseThrow().pid();
        Set<Integer> reported = new TreeSet<>();
        Matcher m = Pattern.compile(":(\\d+) tls=").matcher(athena.admin("postrider:listeners").ok().out());
        while (m.find()) {
            reported.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(reported, ListeningSockets.tcpPorts(pid));
    }

    @Test
    void commandsReportSuccessAndFailureThroughTheExitStatus() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        // through bin/postrider admin, as an administrator runs it: the exit status is the script's
        Exec.Result ok = athena.script("admin", "help", "postrider:status");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("show the server"), ok.out());
        Exec.Result all = athena.script("admin", "help");
        assertTrue(all.out().contains("postrider:status") && all.out().contains("felix:lb"),
                "Gogo's help must not be shadowed by a scope's own listing:\n" + all.out());
        assertTrue(athena.script("admin", "dir:commands").ok().out()
                .contains("dir:user-add ADDRESS [PASSWORD...]"));

        Exec.Result unknown = athena.script("admin", "nosuch:command");
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().contains("Command not found"), unknown.err());

        Exec.Result failing = athena.script("admin", "dns:mx", "bad..domain");
        assertNotEquals(0, failing.exit(), failing.out());
        assertFalse(failing.err().isBlank());
    }

    @Test
    void anotherUserIsRefusedByPermissionsAndByPeerCredentials() throws Exception {
        Required.root("to act as another user");
        Required.tool("/usr/bin/setpriv", "setpriv (util-linux) to run as nobody");
        Instance athena = instances.create("athena");
        athena.start();
        Path socket = athena.runDir().resolve("admin.sock");

        // The client jar where user nobody can read it, so only the channel itself can refuse.
        Path shared = Files.createTempDirectory("admin-client");
        Path jar = shared.resolve("client.jar");
        Files.copy(athena.home().resolve("deploy/postrider-runtime.jar"), jar);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar.toString(),
                "org.postrider.runtime.admin.AdminClient", socket.toString(), "postrider:status");

        // Lock one: the run directory (0700) and the socket (0600).
        Exec.Result byPermissions = Exec.run(asNobody, shared, Map.of(), Duration.ofSeconds(60));
        assertEquals(3, byPermissions.exit(), byPermissions.out() + byPermissions.err());
        assertTrue(byPermissions.err().contains("cannot reach the admin channel"), byPermissions.err());
        assertFalse(byPermissions.out().contains("bundles:"));

        // Lock two: even with every file permission on the way opened, the peer's credentials are checked.
        Files.setPosixFilePermissions(athena.home(), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(athena.home().resolve("data"), PosixFilePermissions.fromString("rwx--x--x"));
        Files.setPosixFilePermissions(athena.runDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        Exec.Result byCredentials = Exec.run(asNobody, shared, Map.of(), Duration.ofSeconds(60));
        assertEquals(77, byCredentials.exit(), byCredentials.out() + byCredentials.err());
        assertTrue(byCredentials.err().contains("only the server's owner"), byCredentials.err());
        assertFalse(byCredentials.out().contains("bundles:"));
        assertTrue(Files.readString(athena.home().resolve("data/log/postrider.log"))
                .contains("Refused admin connection from user nobody"));

        // The owner still gets in.
        assertEquals(0, athena.admin("postrider:ready").exit());
    }
}
