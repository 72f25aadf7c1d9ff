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

    private static List<java.net.InetAddress> addresses(String out) {
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).map(l -> {
            try {
                return java.net.InetAddress.getByName(l);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError("not an address: " + l, e);
            }
        }).toList();
    }

    @Test
    void cnamesAreFollowedAndIpv6AddressesComeFirst() throws Exception {
        try (TestDns dns = new TestDns()) {
            dns.mx("example.net", 10, "mx1.example.net").a("mx1.example.net", "127.0.0.1")
                    .aaaa("mx1.example.net", "::1");
            dns.cname("mail.example.com", "mx1.example.net"); // an address lookup through a CNAME
            dns.cname("other.example", "example.net"); // an MX lookup through a CNAME
            dns.aaaa("v6only.example", "2001:db8::25");
            Instance athena = instances.create("athena");
            athena.config("org.postrider.dns", Map.of("servers", "127.0.0.1:" + dns.port(), "timeoutMillis", "2000"));
            athena.start();

            List<java.net.InetAddress> both = List.of(java.net.InetAddress.getByName("::1"),
                    java.net.InetAddress.getByName("127.0.0.1"));
            assertEquals(both, addresses(athena.admin("dns:resolve", "mx1.example.net").ok().out()));
            assertEquals(both, addresses(athena.admin("dns:resolve", "mail.example.com").ok().out()));
            assertEquals("10 mx1.example.net", athena.admin("dns:mx", "other.example").ok().out().trim());
            assertEquals(List.of(java.net.InetAddress.getByName("2001:db8::25")),
                    addresses(athena.admin("dns:resolve", "v6only.example").ok().out()));
            assertEquals("0 v6only.example (implicit MX)", athena.admin("dns:mx", "v6only.example").ok().out().trim());
        }
    }
}
