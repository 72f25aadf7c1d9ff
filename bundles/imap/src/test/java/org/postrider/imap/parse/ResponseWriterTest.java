package org.postrider.imap.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseWriterTest {
    private static String out(ResponseWriter w) {
        return new String(w.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void stringForms() {
        assertEquals("\"a b\"", out(new ResponseWriter(false).string("a b")));
        assertEquals("\"q\\\"b\\\\s\"", out(new ResponseWriter(false).string("q\"b\\s")));
        assertEquals("NIL", out(new ResponseWriter(false).nstring(null)));
        assertEquals("\"\"", out(new ResponseWriter(false).string("")));
        // CR, LF, NUL cannot be quoted
        assertEquals("{3}\r\na\rb", out(new ResponseWriter(false).string("a\rb")));
        // 8-bit text: a literal in IMAP4rev1, quoted once UTF-8 is enabled
        assertEquals("{7}\r\nGrüße", out(new ResponseWriter(false).string("Grüße")));
        assertEquals("\"Grüße\"", out(new ResponseWriter(true).string("Grüße")));
        String smile = new String(Character.toChars(0x1F600));
        assertEquals("{4}\r\n" + smile, out(new ResponseWriter(true).string(smile)));
        // C1 controls are never quoted (the parser refuses them there); NUL travels in no form
        assertEquals("{4}\r\na\u0085b", out(new ResponseWriter(true).string("a\u0085b")));
        assertEquals("{5}\r\na\uFFFDb", out(new ResponseWriter(false).string("a\u0000b")));
        // long values become literals
        assertEquals("{2000}\r\n", out(new ResponseWriter(true).string("x".repeat(2000))).substring(0, 8));
    }

    @Test
    void numbersAndAReusedBuffer() {
        ResponseWriter w = new ResponseWriter(false);
        for (long n : new long[] {0, 7, 10, 99, 4294967295L, Long.MAX_VALUE, -12}) {
            assertEquals(Long.toString(n), out(w.reset().number(n)));
        }
        w.reset().raw("* ").number(12).raw(" FETCH (").raw("x".repeat(1000)).put(')');
        assertEquals("* 12 FETCH (" + "x".repeat(1000) + ")", out(w), "grown past its first buffer");
        assertEquals(1013, w.size());
        assertEquals("a", out(w.reset().raw("a")), "a reset forgets what was written");
    }

    @Test
    void literal8CarriesNul() {
        assertEquals("~{2}\r\n\u0000a", out(new ResponseWriter(false).literal8(new byte[] {0, 'a'})));
    }

    @Test
    void astringForms() {
        assertEquals("INBOX", out(new ResponseWriter(false).astring("INBOX")));
        assertEquals("\"NIL\"", out(new ResponseWriter(false).astring("NIL")));
        assertEquals("\"[Gmail]/Sent\"", out(new ResponseWriter(false).astring("[Gmail]/Sent")));
        assertEquals("\"a b\"", out(new ResponseWriter(false).astring("a b")));
        assertEquals("\"\"", out(new ResponseWriter(false).astring("")));
        assertEquals("\"X-Y Z\"", ResponseWriter.astringText("X-Y Z"));
    }
}
