package org.postrider.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.MessageContent;

/**
 * The trace fields delivery adds and checks: Delivered-To (a message that already names
 * the address it is being delivered or forwarded to is looping) and Return-Path (added at
 * final delivery; any the message brought with it is dropped, RFC 5321 4.4). Works on the
 * header section only, read up to a bound.
 */
final class TraceFields {
    static final int MAX_HEADER_SCAN = 256 * 1024;

    private TraceFields() {
    }

    /** The header section up to and including its last CRLF (ISO-8859-1, so one char a byte), bounded. */
    static String header(MessageContent c) throws IOException {
        try (InputStream in = c.open()) {
            byte[] buf = in.readNBytes(MAX_HEADER_SCAN);
            String s = new String(buf, StandardCharsets.ISO_8859_1);
            if (s.startsWith("\r\n")) {
                return "";
            }
            int end = s.indexOf("\r\n\r\n");
            return end >= 0 ? s.substring(0, end + 2) : s;
        }
    }

    /** Whether the header already has "Delivered-To: address" (a loop through that address). */
    static boolean deliveredTo(String header, MailAddress address) {
        String field = "delivered-to: " + address.toString().toLowerCase(Locale.ROOT) + "\r\n";
        String h = header.toLowerCase(Locale.ROOT);
        return h.startsWith(field) || h.contains("\n" + field);
    }

    /**
     * The content with {@code fields} in front and, when {@code header} is the whole header
     * section, the Return-Path fields it carries left out.
     */
    static MessageContent withTrace(byte[] fields, MessageContent c, String header, boolean dropReturnPath) {
        byte[] kept = null;
        if (dropReturnPath && header.length() < MAX_HEADER_SCAN && hasReturnPath(header)) {
            kept = withoutReturnPath(header).getBytes(StandardCharsets.ISO_8859_1);
        }
        byte[] front = kept == null ? fields : concat(fields, kept);
        long skip = kept == null ? 0 : header.length();
        long size = front.length + c.size() - skip;
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                InputStream rest = c.open();
                rest.skipNBytes(skip);
                return new SequenceInputStream(new ByteArrayInputStream(front), rest);
            }
        };
    }

    private static boolean hasReturnPath(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return h.startsWith("return-path:") || h.contains("\nreturn-path:");
    }

    /** The header without Return-Path fields and their continuation lines. */
    static String withoutReturnPath(String header) {
        StringBuilder sb = new StringBuilder(header.length());
        boolean skipping = false;
        int start = 0;
        while (start < header.length()) {
            int end = header.indexOf("\r\n", start);
            end = end < 0 ? header.length() : end + 2;
            String line = header.substring(start, end);
            boolean continuation = line.startsWith(" ") || line.startsWith("\t");
            if (!continuation) {
                skipping = line.regionMatches(true, 0, "Return-Path:", 0, 12);
            }
            if (!skipping) {
                sb.append(line);
            }
            start = end;
        }
        return sb.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
