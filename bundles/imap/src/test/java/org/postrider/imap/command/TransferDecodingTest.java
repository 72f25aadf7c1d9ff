package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransferDecodingTest {
    static byte[] decode(String encoding, byte[] in, Random chunks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream d = TransferDecoding.decoder(encoding, out)) {
            int i = 0;
            while (i < in.length) {
                int n = Math.min(in.length - i, 1 + chunks.nextInt(100));
                d.write(in, i, n);
                i += n;
            }
        }
        return out.toByteArray();
    }

    static String qp(String in) throws IOException {
        return new String(decode("Quoted-Printable", in.getBytes(StandardCharsets.ISO_8859_1), new Random(1)),
                StandardCharsets.ISO_8859_1);
    }

    static String b64(String in) throws IOException {
        return new String(decode("BASE64", in.getBytes(StandardCharsets.ISO_8859_1), new Random(1)),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void base64AsTheJdkDecodesIt() throws IOException {
        Random r = new Random(5);
        for (int len = 0; len < 300; len++) {
            byte[] data = new byte[len];
            r.nextBytes(data);
            byte[] encoded = Base64.getMimeEncoder().encode(data);
            assertArrayEquals(data, decode("base64", encoded, r), "length " + len);
        }
    }

    @Test
    void base64IsLenient() throws IOException {
        assertEquals("hello", b64("aGVs\r\n bG8=\r\n"));
        assertEquals("hello", b64("aGVs*!bG8"), "outside the alphabet: skipped; no padding: what there is");
        assertEquals("hi", b64("aGk=garbage after the end"));
        assertEquals("", b64("a"));
    }

    @Test
    void quotedPrintable() throws IOException {
        assertEquals("caf\u00c3\u00a9", qp("caf=C3=A9"));
        assertEquals("lower \u00e9", qp("lower =e9"));
        assertEquals("softbreak", qp("soft=\r\nbreak"));
        assertEquals("softbreak", qp("soft=  \t\r\nbreak"), "transport padding after the =");
        assertEquals("softbreak", qp("soft=\nbreak"));
        assertEquals("trailing\r\nspace", qp("trailing  \t \r\nspace"));
        assertEquals("inner  space", qp("inner  space"));
        assertEquals("end", qp("end   "));
        assertEquals("=ZZ =4", qp("=ZZ =4"), "not an escape: passed as it is");
        assertEquals("a=", qp("a="));
        assertEquals("a= b", qp("a= b"));
        assertEquals("x".repeat(3) + " ".repeat(1500) + "y", qp("xxx" + " ".repeat(1500) + "y"));
    }

    @Test
    void identitiesAndUnknown() throws IOException {
        for (String e : new String[] {null, "7bit", "8BIT", "binary", " 7bit "}) {
            assertArrayEquals(new byte[] {0, 1, '=', 'A'}, decode(e, new byte[] {0, 1, '=', 'A'}, new Random(1)));
        }
        assertNull(TransferDecoding.decoder("x-uuencode", OutputStream.nullOutputStream()));
        assertNull(TransferDecoding.decoder("base64x", OutputStream.nullOutputStream()));
    }
}
