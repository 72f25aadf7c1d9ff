package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** HEADER.FIELDS as a stream, against the whole-header filter it replaced, fed in any chunks. */
class HeaderFieldsTest {
    /** The filter as it was, over the header in memory: the reference. */
    static byte[] reference(byte[] header, List<String> names, boolean not) {
        Set<String> wanted = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        boolean keep = false;
        while (i < header.length) {
            int end = i;
            while (end < header.length && header[end] != '\n') {
                end++;
            }
            int next = Math.min(header.length, end + 1);
            boolean blank = end - i == 0 || (end - i == 1 && header[i] == '\r');
            if (blank) {
                break;
            }
            if (header[i] != ' ' && header[i] != '\t') {
                int colon = i;
                while (colon < end && header[colon] != ':') {
                    colon++;
                }
                String field = new String(header, i, colon - i, StandardCharsets.ISO_8859_1).trim()
                        .toLowerCase(Locale.ROOT);
                keep = wanted.contains(field) != not;
            }
            if (keep) {
                out.write(header, i, next - i);
            }
            i = next;
        }
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    static byte[] streamed(byte[] header, List<String> names, boolean not, Random chunks) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream f = HeaderFields.filtering(out, names, not)) {
            int i = 0;
            while (i < header.length) {
                int n = Math.min(header.length - i, 1 + chunks.nextInt(20));
                f.write(header, i, n);
                i += n;
            }
        }
        return out.toByteArray();
    }

    @Test
    void keepsAndDropsFieldsWithTheirFoldedLines() throws IOException {
        byte[] h = ("From: a\r\nSubject: one\r\n two\r\nTO : b\r\nno colon here\r\n\r\nBody: not a field\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals("Subject: one\r\n two\r\nTO : b\r\n\r\n", new String(HeaderFields.filter(h, List.of("subject", "To"),
                false), StandardCharsets.US_ASCII));
        assertEquals("From: a\r\nno colon here\r\n\r\n", new String(HeaderFields.filter(h, List.of("subject", "To"),
                true), StandardCharsets.US_ASCII));
        assertEquals("\r\n", new String(HeaderFields.filter(new byte[0], List.of("a"), false), StandardCharsets.US_ASCII));
    }

    @Test
    void aFieldNameLongerThanAnyWantedIsNoneOfThem() throws IOException {
        byte[] h = ("X" + "y".repeat(5000) + ": v\r\nA: 1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(reference(h, List.of("a"), false), streamed(h, List.of("a"), false, new Random(1)));
        assertArrayEquals(reference(h, List.of("a"), true), streamed(h, List.of("a"), true, new Random(1)));
    }

    @Test
    void sameAsTheWholeHeaderFilterOnRandomHeaders() throws IOException {
        Random r = new Random(42);
        String[] pieces = {"Subject", "To", "from", "X-A", ":", " ", "\t", "\r\n", "\n", "\r", "v", "a:b", " : ", ""};
        for (int round = 0; round < 5000; round++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(30);
            for (int i = 0; i < n; i++) {
                sb.append(pieces[r.nextInt(pieces.length)]);
            }
            byte[] h = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            List<String> names = List.of("subject", "TO", "x-a");
            for (boolean not : new boolean[] {false, true}) {
                assertArrayEquals(reference(h, names, not), streamed(h, names, not, r), sb + " not=" + not);
            }
        }
    }
}
