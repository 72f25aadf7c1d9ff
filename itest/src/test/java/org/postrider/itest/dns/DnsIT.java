package org.postrider.itest.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Exec;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.TestDns;

/** The dns bundle through the distribution's dns: commands, against a DNS server on loopback. */
class DnsIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void mxOrderImplicitMxNullMxNxdomainAndCache() throws Exception {
        try (TestDns dns = new TestDns()) {
            dns.mx("example.net", 20, "backup.example.net").mx("example.net", 10, "mx1.example.net")
                    .mx("example.net", 10, "mx2.example.net");
            dns.a("mx1.example.net", "127.0.0.1").a("only-a.example", "127.0.0.5");
            dns.mx("nullmx.example", 0, ".");
            Instance athena = instances.create("athena");
            athena.config("org.postrider.dns", Map.of("servers", "127.0.0.1:" + dns.port(), "timeoutMillis", "2000"));
            athena.start();

            Set<String> firsts = new HashSet<>();
            for (int i = 0; i < 12; i++) {
                athena.admin("dns:flush").ok();
                List<String> lines = athena.admin("dns:mx", "example.net").ok().out().lines()
                        .map(String::trim).filter(l -> !l.isEmpty()).toList();
                assertEquals(3, lines.size(), lines.toString());
                assertTrue(lines.get(0).startsWith("10 ") && lines.get(1).startsWith("10 "), lines.toString());
                assertEquals("20 backup.example.net", lines.get(2));
                firsts.add(lines.get(0));
            }
            assertEquals(2, firsts.size(), "equal preferences come in random order: " + firsts);

            assertEquals("0 only-a.example (implicit MX)", athena.admin("dns:mx", "only-a.example").ok().out().trim());
            assertTrue(athena.admin("dns:mx", "nullmx.example").ok().out().contains("null MX"));
            Exec.Result missing = athena.admin("dns:mx", "no-such-domain.example");
            assertEquals(1, missing.exit());
            assertTrue(missing.err().contains("does not exist"), missing.err());
            assertEquals("127.0.0.1", athena.admin("dns:resolve", "mx1.example.net").ok().out().trim());

            // Answers are cached for their TTL: a changed zone shows only after dns:flush.
            dns.a("mx1.example.net", "127.0.0.9");
            assertEquals("127.0.0.1", athena.admin("dns:resolve", "mx1.example.net").ok().out().trim());
            athena.admin("dns:flush").ok();
            assertTrue(athena.admin("dns:resolve", "mx1.example.net").ok().out().contains("127.0.0.9"));
        }
    }
}
