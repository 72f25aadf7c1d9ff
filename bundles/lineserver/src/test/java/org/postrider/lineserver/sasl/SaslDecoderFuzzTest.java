package org.postrider.lineserver.sasl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Fuzz target for the SASL decoders: whatever they accept has a non-empty login and password without controls. */
class SaslDecoderFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void plain(byte[] input) {
        try {
            Credentials c = SaslDecoder.plain(input);
            assertTrue(!c.login().isEmpty() && c.password().length > 0);
            assertTrue(c.login().chars().noneMatch(ch -> ch < 0x20));
        } catch (SaslDecoder.InvalidResponse expected) {
            // refused, as it should be for malformed input
        }
        try {
            SaslDecoder.loginField(SaslDecoder.base64(new String(input, java.nio.charset.StandardCharsets.ISO_8859_1)));
        } catch (SaslDecoder.InvalidResponse expected) {
            // refused
        }
    }
}
