package org.postrider.pop3.proto;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * POP3 command lines (RFC 1939 3, RFC 2449): a keyword of 3 or 4 letters, then arguments
 * separated by single spaces. Free of I/O. Bounds: at most 8 arguments of 255 octets each
 * (AUTH initial responses may be long), printable ASCII or UTF-8 only.
 */
public final class Pop3Parser {
    private static final int MAX_ARGS = 8;
    private static final int MAX_ARG = 1024;

    private Pop3Parser() {
    }

    /** A line that is not a POP3 command; the message is safe to send back. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message);
        }
    }

    public static Pop3Request parse(String line) throws Invalid {
        if (line.isEmpty()) {
            throw new Invalid("empty command");
        }
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0xFFFD) {
                throw new Invalid("invalid character in command");
            }
        }
        String[] parts = line.split(" ", -1);
        String keyword = parts[0];
        if (keyword.length() < 3 || keyword.length() > 4 || !keyword.chars().allMatch(Character::isLetter)
                || !keyword.chars().allMatch(c -> c < 0x80)) {
            throw new Invalid("invalid command keyword");
        }
        if (parts.length - 1 > MAX_ARGS) {
            throw new Invalid("too many arguments");
        }
        List<String> args = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].isEmpty()) {
                // RFC 1939 wants single spaces; a password may still contain spaces, see PASS
                if (i == parts.length - 1) {
                    break;
                }
            }
            if (parts[i].length() > MAX_ARG) {
                throw new Invalid("argument too long");
            }
            args.add(parts[i]);
        }
        return new Pop3Request(keyword.toUpperCase(Locale.ROOT), args);
    }

    /** For PASS: everything after "PASS ", spaces included (RFC 1939 allows spaces in passwords). */
    public static String rest(String line) {
        int sp = line.indexOf(' ');
        return sp < 0 ? "" : line.substring(sp + 1);
    }

    /** A message number argument: 1..max, else null. */
    public static Integer messageNumber(String s, int max) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int n = Integer.parseInt(s);
        return n >= 1 && n <= max ? n : null;
    }
}
