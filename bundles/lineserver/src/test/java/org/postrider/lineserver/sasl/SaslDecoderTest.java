package org.postrider.lineserver.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SaslDecoderTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesPlainWithAndWithoutAuthzid() throws Exception {
        Credentials c = SaslDecoder.plain(b("\0alice@example.org\0s3cret"));
        assertEquals("", c.authorizationId());
        assertEquals("alice@example.org", c.login());
        assertArrayEquals("s3cret".toCharArray(), c.password());
        assertEquals("boss", SaslDecoder.plain(b("boss\0alice\0pw")).authorizationId());
        assertArrayEquals("pässwörd".toCharArray(), SaslDecoder.plain(b("\0a\0pässwörd")).password());
    }

    @Test
    void refusesMalformedResponses() {
        for (String bad : new String[] {"", "\0", "\0\0", "\0alice\0", "\0\0pw", "alice\0pw", "\0a\0b\0c",
            "\0al\rice\0pw", "\0alice\0p\nw"}) {
            assertThrows(SaslDecoder.InvalidResponse.class, () -> SaslDecoder.plain(b(bad)), bad);
        }
        assertThrows(SaslDecoder.InvalidResponse.class,
                () -> SaslDecoder.plain(new byte[] {0, 'a', 0, (byte) 0xC3, (byte) 0x28}));
        assertThrows(SaslDecoder.InvalidResponse.class, () -> SaslDecoder.base64("not*base64"));
        assertThrows(SaslDecoder.InvalidResponse.class, () -> SaslDecoder.base64("A".repeat(10_000)));
        assertThrows(SaslDecoder.InvalidResponse.class, () -> SaslDecoder.loginField(b("")));
        assertThrows(SaslDecoder.InvalidResponse.class, () -> SaslDecoder.loginField(b("a\0b")));
    }

    @Test
    void decodesBase64AndTheEmptyResponse() throws Exception {
        assertArrayEquals(b("\0u\0p"), SaslDecoder.base64(Base64.getEncoder().encodeToString(b("\0u\0p"))));
        assertArrayEquals(new byte[0], SaslDecoder.base64("="));
    }
}
