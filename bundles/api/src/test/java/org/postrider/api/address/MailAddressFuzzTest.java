package org.postrider.api.address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the address parser. Without JAZZER_FUZZ it replays the committed corpus
 * in src/test/resources/org/postrider/api/address/MailAddressFuzzTestInputs/parse.
 * Whatever it accepts must be free of routing and control characters and must parse again
 * to the same address.
 */
class MailAddressFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        MailAddress a;
        try {
            a = MailAddress.parse(text);
        } catch (InvalidAddressException expected) {
            return;
        }
        String s = a.toString();
        assertTrue(s.chars().noneMatch(c -> c < 32 || c == 127 || c == '%' || c == '!'), s);
        assertTrue(a.localPart().indexOf('@') < 0, s);
        assertEquals(a, MailAddress.parse(s));
        assertEquals(a, MailAddress.parse(a.toUnicodeString()));
    }
}
