package org.postrider.imap.parse;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * Reads a command's arguments in order, typing each as the grammar expects it (RFC 9051 9);
 * every refusal is an {@link ImapSyntaxException} whose message is safe to send back.
 */
public final class ArgReader {
    private static final String[] MONTHS =
            {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

    private final List<ImapToken> args;
    private int pos;

    public ArgReader(List<ImapToken> args) {
        this.args = args;
    }

    public boolean hasNext() {
        return pos < args.size();
    }

    /** The next token without taking it, or null at the end. */
    public ImapToken peek() {
        return pos < args.size() ? args.get(pos) : null;
    }

    public ImapToken next() throws ImapSyntaxException {
        if (pos >= args.size()) {
            throw new ImapSyntaxException("missing argument");
        }
        return args.get(pos++);
    }

    /** Fails unless every argument was read. */
    public void end() throws ImapSyntaxException {
        if (pos < args.size()) {
            throw new ImapSyntaxException("too many arguments");
        }
    }

    /** Whether the next token is the atom {@code word} (case-insensitive). */
    public boolean peekAtom(String word) {
        return peek() instanceof ImapToken.Atom a && a.is(word);
    }

    public String atom() throws ImapSyntaxException {
        if (next() instanceof ImapToken.Atom a) {
            return a.text();
        }
        throw new ImapSyntaxException("atom expected");
    }

    /** An astring or string: atom, quoted or literal text (UTF-8, no control character). */
    public String astring() throws ImapSyntaxException {
        String s = next().stringValue();
        if (s == null) {
            throw new ImapSyntaxException("string expected");
        }
        return s;
    }

    /** A string (quoted or literal; RFC 3501 SEARCH keys take astring, so atoms pass too). */
    public String string() throws ImapSyntaxException {
        return astring();
    }

    public ImapToken.ListOf list() throws ImapSyntaxException {
        if (next() instanceof ImapToken.ListOf l) {
            return l;
        }
        throw new ImapSyntaxException("list expected");
    }

    /** number (RFC 9051: 0..4294967295). */
    public long number() throws ImapSyntaxException {
        return number(atom(), 0xFFFF_FFFFL);
    }

    /** number64 (RFC 9051: 0..2^63-1), for sizes and MODSEQs. */
    public long number64() throws ImapSyntaxException {
        return number(atom(), Long.MAX_VALUE);
    }

    public SequenceSet sequenceSet(int maxRanges) throws ImapSyntaxException {
        return SequenceSet.parse(atom(), maxRanges);
    }

    /** A date (RFC 3501 date: "1-Feb-1994", quoted or not). */
    public LocalDate date() throws ImapSyntaxException {
        return date(astring());
    }

    static long number(String s, long max) throws ImapSyntaxException {
        if (s.isEmpty() || s.length() > 19) {
            throw new ImapSyntaxException("number expected");
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new ImapSyntaxException("number expected");
            }
            if (v > (max - (c - '0')) / 10) {
                throw new ImapSyntaxException("number too large");
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** date-day "-" date-month "-" date-year; date-day 1 or 2 digits. */
    public static LocalDate date(String s) throws ImapSyntaxException {
        int d1 = s.indexOf('-');
        int d2 = s.indexOf('-', d1 + 1);
        if (d1 < 1 || d1 > 2 || d2 != d1 + 4 || s.length() != d2 + 5) {
            throw new ImapSyntaxException("invalid date");
        }
        int day = (int) digits(s.substring(0, d1));
        int month = month(s.substring(d1 + 1, d2));
        int year = (int) digits(s.substring(d2 + 1));
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            throw new ImapSyntaxException("invalid date");
        }
    }

    /** date-time (APPEND): "dd-Mon-yyyy hh:mm:ss +zzzz", day space-padded or two digits. */
    public static OffsetDateTime dateTime(String s) throws ImapSyntaxException {
        if (s.length() != 26 || s.charAt(2) != '-' || s.charAt(6) != '-' || s.charAt(11) != ' '
                || s.charAt(14) != ':' || s.charAt(17) != ':' || s.charAt(20) != ' '
                || s.charAt(21) != '+' && s.charAt(21) != '-') {
            throw new ImapSyntaxException("invalid date-time");
        }
        String dayText = s.charAt(0) == ' ' ? s.substring(1, 2) : s.substring(0, 2);
        try {
            int zone = (int) digits(s.substring(22, 24)) * 3600 + (int) digits(s.substring(24, 26)) * 60;
            if (digits(s.substring(24, 26)) > 59) {
                throw new ImapSyntaxException("invalid date-time");
            }
            return OffsetDateTime.of((int) digits(s.substring(7, 11)), month(s.substring(3, 6)), (int) digits(dayText),
                    (int) digits(s.substring(12, 14)), (int) digits(s.substring(15, 17)),
                    (int) digits(s.substring(18, 20)), 0,
                    ZoneOffset.ofTotalSeconds(s.charAt(21) == '-' ? -zone : zone));
        } catch (DateTimeException e) {
            throw new ImapSyntaxException("invalid date-time");
        }
    }

    private static long digits(String s) throws ImapSyntaxException {
        if (s.isEmpty()) {
            throw new ImapSyntaxException("invalid date");
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new ImapSyntaxException("invalid date");
            }
        }
        return Long.parseLong(s);
    }

    private static int month(String m) throws ImapSyntaxException {
        String u = m.toUpperCase(Locale.ROOT);
        for (int i = 0; i < MONTHS.length; i++) {
            if (MONTHS[i].equals(u)) {
                return i + 1;
            }
        }
        throw new ImapSyntaxException("invalid month");
    }
}
