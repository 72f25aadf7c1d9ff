package org.postrider.itest.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.BundleJars;
import org.postrider.itest.harness.InProcessServer;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;

/**
 * Live changes through deploy/, with the framework booted in-process so the test can see
 * bundle ids and component ids: a replaced jar is updated in place and its consumers
 * rebind without being reactivated; a changed .cfg reaches its component without a restart.
 */
class HotSwapIT {
    private static final String DNS_BSN = "org.postrider.dns";

    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void replacedBundleIsUpdatedAndConsumersRebind() throws Exception {
        Instance athena = instances.create("athena");
        InProcessServer server = instances.startInProcess(athena);
        Bundle dns = server.bundle(DNS_BSN);
        String oldVersion = dns.getVersion().toString();
        Object consumerId = componentId(server, "org.postrider.runtime.status.PostriderCommands");
        assertTrue(contractsLine(athena).contains(oldVersion), contractsLine(athena));

        String newVersion = withQualifier(oldVersion, "hotswap");
        Path jar = athena.home().resolve("deploy/postrider-dns.jar");
        Path tmp = athena.home().resolve("postrider-dns.jar.tmp");
        BundleJars.withVersion(jar, tmp, newVersion);
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        // FileInstall updates (INSTALLED), refreshes and restarts the bundle: wait for all of it.
        Await.until("FileInstall to update and restart " + DNS_BSN, Duration.ofSeconds(20),
                () -> server.bundle(DNS_BSN), b -> b.getVersion().toString().equals(newVersion)
                        && b.getState() == Bundle.ACTIVE);
        assertEquals(dns.getBundleId(), server.bundle(DNS_BSN).getBundleId(), "updated in place, not reinstalled");

        String line = Await.until("the consumer to rebind to the new DnsResolver", Duration.ofSeconds(10),
                () -> contractsLine(athena), l -> l.contains(newVersion));
        assertTrue(line.contains(newVersion), line);
        assertEquals(consumerId, componentId(server, "org.postrider.runtime.status.PostriderCommands"),
                "the consumer was reactivated instead of rebound");
        // The DnsResolver line names the new bundle as soon as DnsjavaResolver is registered;
        // DnsCommands is a separate component activated after it, and Gogo picks its functions
        // up from the service registry after that: wait for the command itself to answer.
        Await.until("the dns: commands of the new bundle to answer", Duration.ofSeconds(10),
                () -> athena.admin("dns:servers"), r -> r.exit() == 0);
    }

    @Test
    void configChangeReachesTheComponentLive() throws Exception {
        Instance athena = instances.create("athena");
        InProcessServer server = instances.startInProcess(athena);
        Object resolverId = componentId(server, "org.postrider.dns.DnsjavaResolver");
        assertEquals("system resolvers (/etc/resolv.conf)", athena.admin("dns:servers").ok().out().trim());

        athena.config("org.postrider.dns", Map.of("servers", "127.0.0.1:5353", "timeoutMillis", "2000"));
        Await.until("the new resolver address", Duration.ofSeconds(15),
                () -> athena.admin("dns:servers").ok().out().trim(), "127.0.0.1:5353"::equals);

        athena.config("org.postrider.dns", Map.of("servers", "[::1]:5354"));
        Await.until("the second change", Duration.ofSeconds(15),
                () -> athena.admin("dns:servers").ok().out().trim(), "[::1]:5354"::equals);
        assertEquals(resolverId, componentId(server, "org.postrider.dns.DnsjavaResolver"),
                "configuration must be applied by @Modified, not by reactivation");
    }

    private static String contractsLine(Instance athena) throws Exception {
        String out = athena.admin("postrider:contracts").ok().out();
        return out.lines().filter(l -> l.contains("DnsResolver")).findFirst().orElse("(no DnsResolver line)\n" + out);
    }

    private static Object componentId(InProcessServer server, String componentName) throws Exception {
        for (ServiceReference<?> r : server.context().getAllServiceReferences(null, null)) {
            if (componentName.equals(r.getProperty("component.name"))) {
                return r.getProperty("component.id");
            }
        }
        throw new AssertionError("no service of component " + componentName);
    }

    /** A higher version with the same major.minor.micro: "0.1.0.2026...": qualifier + suffix. */
    private static String withQualifier(String version, String suffix) {
        return version + suffix;
    }
}
