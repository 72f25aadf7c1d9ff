package org.postrider.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderFilterTest {
    private static final int MAX = 262_144;

    /** Writes the message as DATA does: each line, then CR and LF one by one. */
    private static void feed(HeaderFilter f, String message) throws IOException {
        for (String line : message.split("\r\n", -1)) {
            byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
            f.write(b, 0, b.length);
            f.write('\r');
            f.write('\n');
        }
    }

    private static String filter(String message, String host) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeaderFilter f = new HeaderFilter(out, MAX, host);
        byte[] b = message.getBytes(StandardCharsets.ISO_8859_1);
        f.write(b, 0, b.length);
        f.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Bytes this thread allocates while a header of {@code lines} short lines goes through. */
    private static long allocatedFor(int lines) throws IOException {
        StringBuilder m = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            m.append("X: a\r\n");
        }
        m.append("\r\nbody");
        byte[] text = m.toString().getBytes(StandardCharsets.US_ASCII);
        OutputStream sink = OutputStream.nullOutputStream();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(id);
        HeaderFilter f = new HeaderFilter(sink, MAX, null);
        int start = 0;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '\n') { // one write per line, as DATA and BDAT chunks of short lines do
                f.write(text, start, i + 1 - start);
                start = i + 1;
            }
        }
        f.write(text, start, text.length - start);
        f.finish();
        long used = threads.getThreadAllocatedBytes(id) - before;
        assertFalse(f.tooLarge());
        return used;
    }

    @Test
    void aLargeHeaderOfShortLinesCostsWorkInProportionToItsSize() throws IOException {
        allocatedFor(1000); // warm up
        int lines = (MAX - 1024) / 6; // a header just under the limit: ~43,500 lines of 6 octets
        long full = allocatedFor(lines);
        long half = allocatedFor(lines / 2);
        // The held header is copied a bounded number of times: a copy per line made this ~5 GB.
        assertTrue(full < 16L * MAX, "allocated " + full + " octets for a header of " + MAX);
        assertTrue(full < 3 * half + 2 * MAX, "twice the lines, about twice the work: " + half + " -> " + full);
    }

    @Test
    void addsMessageIdAndDateOnSubmissionBeforeTheEmptyLine() throws IOException {
        String out = filter("Subject: x\r\n\r\nbody\r\n", "athena.example");
        assertTrue(out.matches("(?s)Subject: x\r\nMessage-ID: <[0-9a-f-]+@athena\\.example>\r\nDate: [^\r\n]+\r\n"
                + "\r\nbody\r\n"), out);
        String kept = "Message-ID: <a@b>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\n.body\r\n";
        assertEquals(kept, filter(kept, "athena.example"));
        assertEquals("Subject: x\r\n\r\nbody\r\n", filter("Subject: x\r\n\r\nbody\r\n", null));
    }

    @Test
    void theEmptyLineIsFoundWhateverTheWriteSizes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeaderFilter f = new HeaderFilter(out, MAX, "h");
        feed(f, "Subject: x\r\nMessage-ID: <a@b>\r\nDate: d\r\n\r\nline 1\r\nline 2");
        f.finish();
        assertEquals("Subject: x\r\nMessage-ID: <a@b>\r\nDate: d\r\n\r\nline 1\r\nline 2\r\n",
                out.toString(StandardCharsets.ISO_8859_1));
        // A message that starts with the empty line has no header; one without a body keeps its header.
        assertTrue(filter("\r\nbody", "h").matches("(?s)Message-ID: [^\r\n]+\r\nDate: [^\r\n]+\r\n\r\nbody"));
        assertTrue(filter("Subject: only\r\n", "h").startsWith("Subject: only\r\nMessage-ID: "));
    }

    @Test
    void aHeaderOverTheLimitIsFlaggedAndNotHeld() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HeaderFilter f = new HeaderFilter(out, 100, null);
        feed(f, "X: " + "a".repeat(200) + "\r\n\r\nbody");
        f.finish();
        assertTrue(f.tooLarge());
        assertEquals(0, out.size());
    }
}
