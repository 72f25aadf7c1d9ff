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

    /**
     * Fuzz target for the checkpointed path: with a stride of any size (the first octet picks
     * one), a conversion read through and one skipped through record the same checkpoints, each
     * where the reference conversion of the file up to it stands (and whether a CR came just
     * before); a window (the last octets pick one) read from the last checkpoint before it, in a
     * conversion started there, is that slice of the whole, and records no checkpoint it does
     * not know already or cannot prove.
     */
    @FuzzTest(maxDuration = "30s")
    void checkpointed(byte[] input) throws IOException {
        int stride = input.length == 0 ? 1 : 1 + (input[0] & 0x1f);
        int buffer = input.length < 2 ? 1 : 1 + (input[1] & 0x0f);
        byte[] want = reference(input);
        CrlfCheckpoints none = CrlfCheckpoints.none(stride, input.length);
        CrlfView.Converting read = new CrlfView.Converting(new ByteArrayInputStream(input), buffer, none, -1);
        assertArrayEquals(want, readAll(read));
        CrlfCheckpoints t = read.checkpoints();
        CrlfView.Converting skipped = new CrlfView.Converting(new ByteArrayInputStream(input), buffer, none, -1);
        assertEquals(want.length, skipped.skip(Long.MAX_VALUE));
        CrlfCheckpoints s = skipped.checkpoints();
        assertEquals(t.count(), s.count());
        assertArrayEquals(Arrays.copyOf(t.raw(), t.count()), Arrays.copyOf(s.raw(), s.count()));
        assertArrayEquals(Arrays.copyOf(t.view(), t.count()), Arrays.copyOf(s.view(), s.count()));
        assertEquals(Math.min(CrlfCheckpoints.MAX_PER_FILE, Math.max(0, (input.length - 1) / stride)), t.count(),
                "one at each stride inside the file");
        for (int i = 0; i < t.count(); i++) {
            int raw = (int) t.rawAt(i);
            assertEquals((long) stride * (i + 1), raw);
            assertEquals(reference(Arrays.copyOf(input, raw)).length, t.viewAt(i), "view offset at " + raw);
            assertEquals(input[raw - 1] == '\r', t.afterCrAt(i), "a CR before " + raw);
        }
        int n = input.length;
        int offset = n < 3 ? 0 : (input[n - 1] & 0xff) % (want.length + 2);
        int length = n < 4 ? -1 : (input[n - 2] & 0xff) % (want.length + 2) - 1;
        // From what a first, partial conversion recorded, or from the whole table.
        CrlfCheckpoints from = t;
        if (n > 4 && (input[n - 3] & 1) == 1) {
            CrlfView.Converting partial = new CrlfView.Converting(new ByteArrayInputStream(input), buffer, none, -1);
            readAll(CrlfView.window(partial, offset / 2, 1));
            from = partial.checkpoints();
        }
        int i = from.before(offset);
        ByteArrayInputStream rest = new ByteArrayInputStream(input);
        rest.skipNBytes(from.rawAt(i));
        CrlfView.Converting resumed = new CrlfView.Converting(rest, buffer, from, i);
        byte[] window = readAll(CrlfView.window(resumed, offset, length));
        int start = Math.min(offset, want.length);
        int to = length < 0 ? want.length : (int) Math.min((long) start + length, want.length);
        assertArrayEquals(Arrays.copyOfRange(want, start, to), window, "window " + offset + "+" + length + " from "
                + i);
        CrlfCheckpoints after = resumed.checkpoints();
        for (int k = 0; k < after.count(); k++) {
            assertEquals(t.rawAt(k), after.rawAt(k));
            assertEquals(t.view()[k], after.view()[k], "checkpoint " + k + " as the full conversion has it");
        }
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
