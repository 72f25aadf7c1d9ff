package org.postrider.pop3.proto;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** Fuzz target for the POP3 command parser: what it accepts is a clean keyword with bounded arguments. */
class Pop3ParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        try {
            Pop3Request r = Pop3Parser.parse(line);
            assertTrue(r.keyword().matches("[A-Z]{3,4}"), r.keyword());
            assertTrue(r.args().size() <= 8);
            assertTrue(r.args().stream().allMatch(a -> a.length() <= 1024 && a.chars().noneMatch(c -> c < 0x20)));
        } catch (Pop3Parser.Invalid expected) {
            // refused
        }
        Pop3Parser.messageNumber(line, 100);
    }
}
