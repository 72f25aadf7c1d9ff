package org.postrider.lineserver;

/**
 * The literal announced at the end of a command line, {@code {n}} (synchronizing) or
 * {@code {n+}} (non-synchronizing, RFC 7888). Free of I/O and fuzzed; the protocol decides
 * what precedes the brace (IMAP's {@code ~} of literal8) and what size it accepts.
 *
 * @param start         index of the opening brace in the line
 * @param size          the announced octets; a number past 63 bits reads as Long.MAX_VALUE,
 *                      which every limit refuses (never wraps to a small or negative size)
 * @param synchronizing false for {@code {n+}}
 */
public record LiteralAnnouncement(int start, long size, boolean synchronizing) {
    /** The announcement ending {@code line}, or null if the line does not end in one. */
    public static LiteralAnnouncement parse(CharSequence line) {
        int end = line.length() - 1; // the closing brace
        if (end < 2 || line.charAt(end) != '}') {
            return null;
        }
        boolean synchronizing = line.charAt(end - 1) != '+';
        int digitsEnd = synchronizing ? end : end - 1;
        int i = digitsEnd;
        while (i > 0 && isDigit(line.charAt(i - 1))) {
            i--;
        }
        if (i == digitsEnd || i == 0 || line.charAt(i - 1) != '{') {
            return null;
        }
        long size = 0;
        for (int k = i; k < digitsEnd; k++) {
            int d = line.charAt(k) - '0';
            size = size > (Long.MAX_VALUE - d) / 10 ? Long.MAX_VALUE : size * 10 + d;
        }
        return new LiteralAnnouncement(i - 1, size, synchronizing);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
