package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postrider.api.org.OrgServer;

class OrgRegistryTest {
    @Test
    void serversAreParsedWithHostsPortsAndFingerprints() {
        String fp = "AB:".repeat(31) + "AB";
        List<OrgServer> s = OrgRegistry.parse(new String[] {" Athena=127.0.0.1:2700 ", "hermes=[::1]:2701;sha256=" + fp, ""});
        assertEquals(List.of(new OrgServer("athena", "127.0.0.1", 2700, null),
                new OrgServer("hermes", "::1", 2701, "ab".repeat(32))), s);
        assertNull(s.get(0).tlsFingerprint());
        assertEquals(s, OrgRegistry.parse(new String[] {"athena=127.0.0.1:2700, hermes=[::1]:2701;sha256=" + fp}),
                "a .cfg file's one comma-separated value");
    }

    @Test
    void malformedEntriesAreRefused() {
        for (String bad : new String[] {"athena", "=h:1", "athena=host", "athena=host:x", "athena=host:0",
            "ath ena=h:1", "athena=h:1;md5=00", "athena=h:1;sha256=abc", "a=h:1\na=h:2"}) {
            assertThrows(IllegalArgumentException.class, () -> OrgRegistry.parse(bad.split("\n")), bad);
        }
    }

    @Test
    void aBadChangeKeepsTheWorkingListAndTheGatewayNeverNamesItself() {
        OrgRegistry r = new OrgRegistry("athena", config(new String[] {"hermes=127.0.0.1:2701"}, "hermes"));
        assertEquals(Optional.of("hermes"), r.internetGateway());
        assertTrue(r.server("HERMES").isPresent());
        r.modified(config(new String[] {"hermes=127.0.0.1"}, "hermes"));
        assertEquals(1, r.servers().size(), "the previous list is kept");
        OrgRegistry hermes = new OrgRegistry("hermes", config(new String[] {"athena=127.0.0.1:2700"}, "Hermes"));
        assertEquals(Optional.empty(), hermes.internetGateway(), "the gateway sends its own Internet mail");
    }

    static OrgRegistry.Config config(String[] servers, String gateway) {
        return new OrgRegistry.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return OrgRegistry.Config.class;
            }

            @Override
            public String[] servers() {
                return servers;
            }

            @Override
            public String internetGateway() {
                return gateway;
            }
        };
    }
}
