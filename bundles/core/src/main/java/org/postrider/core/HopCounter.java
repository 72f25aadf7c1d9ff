package org.postrider.core;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Passes message bytes through while reading the header section as it goes by: it counts
 * the Received: fields, so a mail loop is caught at submission, and keeps the Message-ID
 * for tracking, without reading the message twice. Each header line is looked at through a
 * bounded window, so a hostile header costs no more memory than a short one.
 */
final class HopCounter extends FilterOutputStream {
    /** Longer Message-IDs are not kept (RFC 5322's line limit is 998). */
    static final int MAX_LINE = 1000;
    private final byte[] line = new byte[MAX_LINE];
    private int length;
    private int column;
    private boolean inHeader = true;
    private boolean inMessageId;
    private int hops;
    private StringBuilder messageId;
    private boolean messageIdTooLong;

    HopCounter(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        inspect(b);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; inHeader && i < off + len; i++) {
            inspect(b[i]);
        }
        out.write(b, off, len);
    }

    private void inspect(int b) {
        if (!inHeader) {
            return;
        }
        if (b == '\n') {
            int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
            if (end == 0 && column <= 1) {
                inHeader = false; // the empty line ends the header section
            } else {
                endOfLine(end, column > length);
            }
            length = 0;
            column = 0;
            return;
        }
        if (length < MAX_LINE) {
            line[length++] = (byte) b;
        }
        column++;
    }

    private void endOfLine(int end, boolean truncated) {
        boolean continuation = line[0] == ' ' || line[0] == '\t';
        if (continuation) {
            if (inMessageId) {
                append(0, end, truncated);
            }
            return;
        }
        inMessageId = false;
        String head = new String(line, 0, Math.min(end, 12), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (head.startsWith("received:")) {
            hops++;
        } else if (head.startsWith("message-id:") && messageId == null) {
            messageId = new StringBuilder();
            inMessageId = true;
            append(11, end, truncated);
        }
    }

    private void append(int from, int to, boolean truncated) {
        if (truncated || messageId.length() + (to - from) > MAX_LINE) {
            messageIdTooLong = true;
            return;
        }
        messageId.append(new String(line, from, to - from, StandardCharsets.UTF_8));
    }

    int hops() {
        return hops;
    }

    /** True once the empty line that ends the header section has gone by. */
    boolean headerDone() {
        return !inHeader;
    }

    /**
     * The Message-ID of a message already written: its header section read again, at most
     * {@code limit} octets of it (a spooled message's, after a restart).
     */
    static String messageIdOf(java.io.InputStream in, int limit) throws IOException {
        HopCounter c = new HopCounter(OutputStream.nullOutputStream());
        byte[] b = new byte[8192];
        int left = limit;
        int n;
        while (left > 0 && !c.headerDone() && (n = in.read(b, 0, Math.min(b.length, left))) > 0) {
            c.write(b, 0, n);
            left -= n;
        }
        return c.messageId();
    }

    /** The Message-ID without angle brackets and spaces, or null if there was none usable. */
    String messageId() {
        if (messageId == null || messageIdTooLong) {
            return null;
        }
        return normalise(messageId.toString());
    }

    /** A Message-ID as tracking keys it: the text inside the angle brackets, else the trimmed text. */
    static String normalise(String raw) {
        String s = raw.strip();
        int lt = s.indexOf('<');
        int gt = s.indexOf('>', lt + 1);
        if (lt >= 0 && gt > lt) {
            s = s.substring(lt + 1, gt).strip();
        }
        if (s.isEmpty() || s.length() > MAX_LINE) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return null; // folded or hostile: not a key worth keeping
            }
        }
        return s;
    }
}
