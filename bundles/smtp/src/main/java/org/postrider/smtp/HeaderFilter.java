package org.postrider.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Passes a message to the queue while holding back its header section (bounded) to look at
 * it: on submission ports a missing Message-ID or Date is added (RFC 6409 8); a header
 * section over the limit is refused. The body streams through untouched.
 */
public final class HeaderFilter extends OutputStream {
    private final OutputStream out;
    private final int maxHeader;
    private final String addMessageIdFor;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private boolean inHeader = true;
    private boolean tooLarge;
    private long bytes;
    /** The last four bytes held, to see the empty line without looking back into the buffer. */
    private int last4;

    /** @param addMessageIdFor the host name for added Message-IDs, or null to add nothing */
    public HeaderFilter(OutputStream out, int maxHeader, String addMessageIdFor) {
        this.out = out;
        this.maxHeader = maxHeader;
        this.addMessageIdFor = addMessageIdFor;
    }

    @Override
    public void write(int b) throws IOException {
        bytes++;
        if (!inHeader) {
            if (!tooLarge) {
                out.write(b);
            }
            return;
        }
        hold((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        bytes += len;
        if (!inHeader) {
            if (!tooLarge) { // a refused message is not spooled further
                out.write(b, off, len);
            }
            return;
        }
        for (int i = off; i < off + len; i++) {
            if (!inHeader) {
                if (!tooLarge) {
                    out.write(b, i, off + len - i);
                }
                return;
            }
            hold(b[i]);
        }
    }

    private void hold(byte b) throws IOException {
        header.write(b);
        last4 = last4 << 8 | (b & 0xff);
        if (header.size() > maxHeader) {
            tooLarge = true;
            inHeader = false; // stop buffering; the whole message will be refused
            header.reset();
            return;
        }
        if (b == '\n' && endsWithEmptyLine()) {
            flushHeader(true);
        }
    }

    /** Constant work per line: looking back into the held header would make it quadratic. */
    private boolean endsWithEmptyLine() {
        int n = header.size();
        return (n == 2 && (last4 & 0xffff) == 0x0d0a) || (n >= 4 && last4 == 0x0d0a0d0a);
    }

    /** Writes the held header, with additions before its empty line. */
    private void flushHeader(boolean complete) throws IOException {
        inHeader = false;
        byte[] h = header.toByteArray();
        header.reset();
        String text = new String(h, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        int cut = complete ? h.length - 2 : h.length;
        out.write(h, 0, cut);
        if (addMessageIdFor != null) {
            if (!has(text, "message-id:")) {
                out.write(("Message-ID: <" + java.util.UUID.randomUUID() + "@" + addMessageIdFor + ">\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            if (!has(text, "date:")) {
                out.write(("Date: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
        }
        out.write(h, cut, h.length - cut);
    }

    private static boolean has(String header, String field) {
        return header.startsWith(field) || header.contains("\n" + field);
    }

    /** Call at the end of the message: a message without a body still gets its header written. */
    public void finish() throws IOException {
        if (inHeader) {
            flushHeader(false);
        }
    }

    public boolean tooLarge() {
        return tooLarge;
    }

    public long bytes() {
        return bytes;
    }
}
