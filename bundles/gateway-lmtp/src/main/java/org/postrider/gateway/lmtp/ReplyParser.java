package org.postrider.gateway.lmtp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Assembles replies from lines ({@code 250-first}, {@code 250 last}), free of I/O: the
 * client reads bounded lines and feeds them here. A reply of more than {@link #MAX_LINES}
 * lines, a line that is not a reply line, or a code that changes inside a reply is a
 * protocol error, so a hostile server cannot make the client keep reading.
 */
final class ReplyParser {
    static final int MAX_LINES = 100;
    static final int MAX_LINE = 2048;
    private static final Pattern ENHANCED = Pattern.compile("^[245]\\.\\d{1,3}\\.\\d{1,3}(?=\\s|$)");

    /** A server that does not speak the protocol. */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message);
        }
    }

    private final List<String> lines = new ArrayList<>();
    private int code = -1;

    /** Feeds one line without its CRLF; returns the reply it completes, or null when more lines follow. */
    Reply feed(String line) throws ProtocolException {
        if (line.length() > MAX_LINE) {
            throw new ProtocolException("reply line longer than " + MAX_LINE);
        }
        if (line.length() < 3 || !digit(line.charAt(0), '2', '5') || !digit(line.charAt(1), '0', '9')
                || !digit(line.charAt(2), '0', '9') || (line.length() > 3 && line.charAt(3) != ' '
                        && line.charAt(3) != '-')) {
            throw new ProtocolException("not a reply line: " + printable(line));
        }
        int c = Integer.parseInt(line.substring(0, 3));
        if (code >= 0 && c != code) {
            throw new ProtocolException("reply code changed inside a reply: " + printable(line));
        }
        code = c;
        if (lines.size() >= MAX_LINES) {
            throw new ProtocolException("reply longer than " + MAX_LINES + " lines");
        }
        String text = line.length() > 4 ? line.substring(4) : "";
        lines.add(printable(text));
        if (line.length() > 3 && line.charAt(3) == '-') {
            return null;
        }
        String first = lines.get(0);
        var m = ENHANCED.matcher(first);
        String enhanced = m.find() && first.charAt(0) == line.charAt(0) ? m.group() : null;
        Reply r = new Reply(c, enhanced, List.copyOf(lines));
        lines.clear();
        code = -1;
        return r;
    }

    private static boolean digit(char c, char lo, char hi) {
        return c >= lo && c <= hi;
    }

    /** Control characters from the server never reach a DSN or a log as they are. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
