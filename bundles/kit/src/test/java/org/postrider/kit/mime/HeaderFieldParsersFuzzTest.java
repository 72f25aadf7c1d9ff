package org.postrider.kit.mime;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.postrider.api.store.BodyPart.Parameter;
import org.postrider.api.store.Envelope.Address;

/**
 * Fuzz target for the header-field parsers: any field value (taken as the store takes header
 * octets) parses without an exception, and what comes out is no longer than what went in
 * (nothing is invented: each address and parameter is made of the input's characters).
 */
class HeaderFieldParsersFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        String v = Text.decode(input, 0, input.length);
        List<Address> addresses = AddressParser.parse(v);
        assertNotNull(addresses);
        assertTrue(addresses.size() <= v.length() + 1, "addresses " + addresses.size());
        Params p = Params.parse(v);
        assertTrue(p.value().length() <= v.length(), "value");
        long octets = 0;
        for (Parameter q : p.parameters()) {
            octets += q.name().length() + q.value().length();
        }
        assertTrue(octets <= v.getBytes(StandardCharsets.UTF_8).length, "parameters " + octets);
        DateParser.parse(v); // null or a date; never an exception
    }
}
