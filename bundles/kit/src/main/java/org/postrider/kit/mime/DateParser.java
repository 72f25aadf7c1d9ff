package org.postrider.kit.mime;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An RFC 5322 date-time (3.3, obsolete forms of 4.3 too: two-digit years, zone names,
 * comments, missing seconds, extra spaces), leniently; null when it is not one.
 */
public final class DateParser {
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
    private static final int MAX_LENGTH = 200;

    private DateParser() {
    }

    public static Instant parse(String v) {
        OffsetDateTime t = written(v);
        return t == null ? null : t.toInstant();
    }

    /**
     * The date-time as written, at its own offset (an unknown zone name at +0000): its
     * {@code toLocalDate()} is the day the sender wrote, which IMAP's SENTON, SENTBEFORE and
     * SENTSINCE compare "disregarding time and timezone" (RFC 3501 6.4.4). Null when not a date.
     */
    public static OffsetDateTime written(String v) {
        if (v == null || v.length() > MAX_LENGTH) {
            return null;
        }
        List<String> t = tokens(v);
        int k = 0;
        if (k < t.size() && !t.get(k).isEmpty() && Character.isLetter(t.get(k).charAt(0))) {
            k++; // day of week
        }
        if (t.size() - k < 4) {
            return null;
        }
        try {
            int day = number(t.get(k++), 1, 2);
            int month = MONTHS.indexOf(t.get(k++).toLowerCase(Locale.ROOT).substring(0, 3));
            String y = t.get(k++);
            int year = number(y, 2, 4);
            if (y.length() == 2) {
                year += year < 50 ? 2000 : 1900;
            } else if (y.length() == 3) {
                year += 1900;
            }
            String[] hms = t.get(k++).split(":", -1);
            if (month < 0 || month % 3 != 0 || hms.length < 2 || hms.length > 3) {
                return null;
            }
            int hour = number(hms[0], 1, 2);
            int minute = number(hms[1], 2, 2);
            int second = hms.length == 3 ? number(hms[2], 2, 2) : 0;
            int offset = k < t.size() ? zone(t.get(k)) : 0;
            LocalDateTime local = LocalDateTime.of(year, month / 3 + 1, day, hour, minute, Math.min(second, 59));
            return local.atOffset(ZoneOffset.ofTotalSeconds(offset));
        } catch (DateTimeException | IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Seconds east of UTC; unknown names count as UTC (RFC 5322 4.3). */
    private static int zone(String z) {
        if ((z.startsWith("+") || z.startsWith("-")) && z.length() == 5) {
            int hh = number(z.substring(1, 3), 2, 2);
            int mm = number(z.substring(3, 5), 2, 2);
            if (hh > 23 || mm > 59) {
                throw new IllegalArgumentException(z);
            }
            int s = hh * 3600 + mm * 60;
            return z.charAt(0) == '-' ? -s : s;
        }
        return switch (z.toUpperCase(Locale.ROOT)) {
            case "EDT" -> -4 * 3600;
            case "EST", "CDT" -> -5 * 3600;
            case "CST", "MDT" -> -6 * 3600;
            case "MST", "PDT" -> -7 * 3600;
            case "PST" -> -8 * 3600;
            default -> 0;
        };
    }

    private static int number(String s, int min, int max) {
        if (s.length() < min || s.length() > max) {
            throw new IllegalArgumentException(s);
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(s);
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Words split at spaces and commas, comments left out. */
    private static List<String> tokens(String v) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (depth > 0) {
                continue;
            } else if (Text.wsp(c) || c == ',') {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }
}
