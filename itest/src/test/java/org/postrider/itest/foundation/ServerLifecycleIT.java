package org.postrider.itest.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.ListeningSockets;
import org.postrider.itest.harness.ProcessState;
import org.postrider.itest.harness.Python;

/** Start, status, stop, kill -9 and restart through bin/postrider, as an administrator does. */
class ServerLifecycleIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void cleanStartBringsEveryComponentUp() throws Exception {
        Instance athena = instances.create("athena");
        Exec.Result start = athena.start();
        assertTrue(start.out().contains("Postrider started"), start.out());
        assertTrue(start.out().contains("listeners:"), start.out());
        System.out.println("startup: ready " + athena.readyMillis() + " ms after JVM start");

        assertEquals(0, athena.admin("postrider:ready").exit());
        String status = athena.admin("postrider:status").ok().out();
        assertTrue(status.contains("(server athena)"), status);
        assertTrue(status.contains("state: ready"), status);
        assertFalse(status.contains("problem:"), status);

        String components = status.substring(status.indexOf("components:"), status.indexOf("contracts:"));
        for (String name : new String[] {"org.postrider.runtime.admin.AdminServer",
            "org.postrider.runtime.status.ServerState", "org.postrider.runtime.log.OsgiLogBridge",
            "org.postrider.dns.DnsjavaResolver", "org.postrider.dns.DnsCommands"}) {
            Matcher m = Pattern.compile("(?m)^\\s+(\\S+)\\s+" + Pattern.quote(name) + "$").matcher(components);
            assertTrue(m.find(), name + " missing in\n" + components);
            assertTrue(Set.of("ACTIVE", "SATISFIED").contains(m.group(1)), name + " is " + m.group(1));
        }
        Matcher bundles = Pattern.compile("(?m)^\\s+\\d+ (\\S+)\\s+(\\S+) ").matcher(status);
        int count = 0;
        while (bundles.find()) {
            assertEquals("ACTIVE", bundles.group(1), "bundle " + bundles.group(2));
            count++;
        }
        assertTrue(count >= 20, "expected the whole distribution, saw " + count + " bundles");
        assertTrue(Files.readString(athena.home().resolve("data/log/postrider.log")).contains("Postrider ready"));
    }

    @Test
    void stopReleasesPortsSocketAndProcess() throws Exception {
        Instance athena = instances.create("athena");
        athena.start();
        ProcessHandle process = athena.process().orElseThrow();
        Set<Integer> ports = ListeningSockets.tcpPorts(process.pid());
        assertTrue(Files.exists(athena.runDir().resolve("admin.sock")));

        Exec.Result stop = athena.stop();
        assertTrue(stop.out().contains("Postrider stopped"), stop.out());
        assertTrue(ProcessState.ended(process.pid()), "server process still running after stop");
        assertFalse(Files.exists(athena.runDir().resolve("admin.sock")), "admin socket left behind");
        for (int port : ports) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port)); // throws if still held
            }
        }
        assertEquals(3, athena.script("status").exit());
        assertEquals(3, athena.script("admin", "postrider:status").exit(), "admin must fail when the server is down");
        assertTrue(Files.readString(athena.home().resolve("data/log/postrider.log")).contains("Admin channel closed"));
    }

    /**
     * The server runs detached, so what reaps it is its new parent, PID 1, or a subreaper; a
     * container's PID 1 may reap late or never. Stop must end once the server has, not when
     * something else gets round to reaping it (it used to wait for the reaping, out to its
     * timeout, and then report a failure).
     */
    @Test
    void stopEndsWhenTheServerHasEndedThoughNothingReapsIt() throws Exception {
        Instance athena = instances.create("athena");
        Exec.Result r = Python.run(athena.home(), """
                import ctypes, os, subprocess, sys
                # a subreaper that never reaps: the detached server becomes our child
                if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
                    sys.exit('prctl failed: %d' % ctypes.get_errno())
                env = dict(os.environ, POSTRIDER_STOP_TIMEOUT='20')
                start = subprocess.run(['bash', 'bin/postrider', 'start'], env=env, capture_output=True, text=True)
                print('start', start.returncode, start.stderr)
                pid = int(open('data/run/postrider.pid').read())
                stop = subprocess.run(['bash', 'bin/postrider', 'stop'], env=env, capture_output=True, text=True)
                print('stop', stop.returncode, stop.stdout, stop.stderr)
                state = [l.split()[1] for l in open('/proc/%d/status' % pid) if l.startswith('State:')]
                print('state', state[0])
                """);
        assertTrue(r.out().contains("start 0"), r.out() + r.err());
        assertTrue(r.out().contains("stop 0 Postrider stopped"), r.out() + r.err());
        assertTrue(r.out().contains("state Z"), "the server was left to its non-reaping parent:\n" + r.out());
    }

    @Test
    void independentInstancesSurviveEachOthersKillAndRestart() throws Exception {
        Instance athena = instances.create("athena");
        Instance hermes = instances.create("hermes");
        athena.start();
        hermes.start();
        assertTrue(athena.admin("postrider:status").ok().out().contains("(server athena)"));
        assertTrue(hermes.admin("postrider:status").ok().out().contains("(server hermes)"));

        athena.kill9();
        assertEquals(3, athena.script("status").exit(), "a killed instance must not look alive");
        assertTrue(hermes.admin("postrider:ready").ok().out().contains("ready"), "hermes must not notice");

        // Restart over the stale pid file and socket that kill -9 left behind.
        athena.start();
        assertTrue(athena.admin("postrider:status").ok().out().contains("state: ready"));
    }
}
