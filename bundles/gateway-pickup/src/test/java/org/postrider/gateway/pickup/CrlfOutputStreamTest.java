package org.postrider.gateway.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CrlfOutputStreamTest {
    private static String convert(String... writes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CrlfOutputStream c = new CrlfOutputStream(out);
        for (String w : writes) {
            c.write(w.getBytes(StandardCharsets.ISO_8859_1));
        }
        c.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyLineEndBecomesCrlfOnce() throws Exception {
        assertEquals("a\r\nb\r\n", convert("a\nb\n"));
        assertEquals("a\r\nb\r\n", convert("a\r\nb\r\n"));
        assertEquals("a\r\nb\r\n", convert("a\rb\r"));
        assertEquals("a\r\n\r\nb\r\n", convert("a\r\rb"));
        assertEquals("a\r\n\r\nb\r\n", convert("a\n\r\nb"));
    }

    @Test
    void aCrlfSplitBetweenTwoWritesStaysOneLineEnd() throws Exception {
        assertEquals("a\r\nb\r\n", convert("a\r", "\nb"));
        assertEquals("a\r\nb\r\n", convert("a\r", "b"));
        assertEquals("a\r\n", convert("a\r"));
    }

    @Test
    void theTextEndsWithALineEnd() throws Exception {
        assertEquals("last\r\n", convert("last"));
        assertEquals("", convert(""));
        assertEquals("x\u00ff\r\n", convert("x\u00ff"), "other octets pass as they are");
    }
}
