package org.postrider.imap.command;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** HEADER.FIELDS and HEADER.FIELDS.NOT (RFC 9051 6.4.5): the header's fields kept or dropped by name. */
final class HeaderFields {
    private HeaderFields() {
    }

    /** The fields of {@code header} (octets, folded lines kept) named in {@code names}, or not, and the blank line. */
    static byte[] filter(byte[] header, List<String> names, boolean not) {
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
                String field = new String(header, i, colon - i, java.nio.charset.StandardCharsets.ISO_8859_1).trim()
                        .toLowerCase(Locale.ROOT);
                keep = wanted.contains(field) != not;
            }
            if (keep) {
                out.write(header, i, next - i);
            }
            i = next;
        }
        out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
