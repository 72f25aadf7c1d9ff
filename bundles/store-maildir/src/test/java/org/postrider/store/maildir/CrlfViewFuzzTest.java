package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Fuzz target: for any octets, read through buffers of any size (the first octet picks one,
 * so line ends straddle them), the CRLF view is the reference conversion (a bare LF gets a
 * CR, nothing else changes), its skip-count is its length, it has no bare LF left (so
 * converting again changes nothing), and any window of it (the last octets pick one,
 * starting inside an added CRLF too) is that slice of the whole.
 */
class CrlfViewFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void convert(byte[] input) throws IOException {
        int buffer = input.length == 0 ? 1 : 1 + (input[0] & 0x0f);
        byte[] want = reference(input);
        byte[] got = readAll(new CrlfView.Converting(new ByteArrayInputStream(input), buffer));
        assertArrayEquals(want, got);
        assertEquals(want.length, new CrlfView.Converting(new ByteArrayInputStream(input), buffer).skip(Long.MAX_VALUE));
        assertArrayEquals(got, reference(got), "no bare LF is left");
        try (InputStream byteByByte = new CrlfView.Converting(new ByteArrayInputStream(input), buffer)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int b; (b = byteByByte.read()) >= 0; ) {
                out.write(b);
            }
            assertArrayEquals(want, out.toByteArray());
        }
        int n = input.length;
        int offset = n < 2 ? 0 : (input[n - 1] & 0xff) % (want.length + 2);
        int length = n < 3 ? -1 : (input[n - 2] & 0xff) % (want.length + 2) - 1;
        byte[] window = readAll(CrlfView.window(new CrlfView.Converting(new ByteArrayInputStream(input), buffer),
                offset, length));
        int from = Math.min(offset, want.length);
        int to = length < 0 ? want.length : (int) Math.min((long) from + length, want.length);
        assertArrayEquals(Arrays.copyOfRange(want, from, to), window, "window " + offset + "+" + length);
    }

    static byte[] reference(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[7]; // small reads, so reads end inside an added CRLF too
            for (int k; (k = in.read(b, 0, b.length)) >= 0; ) {
                out.write(b, 0, k);
            }
            return out.toByteArray();
        }
    }
}
