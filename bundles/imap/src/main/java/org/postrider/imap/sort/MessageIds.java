package org.postrider.imap.sort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The msg-ids ("&lt;left@right&gt;") of a Message-ID, In-Reply-To or References value, for
 * THREAD=REFERENCES: the text between angle brackets with white space (folding) removed.
 * Lenient like the threading implementations mail is written for: what lies outside the
 * brackets (comments, phrases) is skipped. An id longer than {@link #MAX_LENGTH} is no id.
 */
public final class MessageIds {
    /** RFC 5322 lines are 998 octets at most; real ids are far shorter. */
    public static final int MAX_LENGTH = 250;

    private MessageIds() {
    }

    /** The first valid msg-id of the value, or null. */
    public static String first(String value) {
        List<String> ids = last(value, 1, true);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** The last {@code max} valid msg-ids of the value, in order (all of them when there are fewer). */
    public static List<String> last(String value, int max) {
        return last(value, max, false);
    }

    private static List<String> last(String value, int max, boolean firstOnly) {
        if (value == null || max <= 0) {
            return List.of();
        }
        Deque<String> ids = new ArrayDeque<>();
        int i = 0;
        while (i < value.length()) {
            int open = value.indexOf('<', i);
            if (open < 0) {
                break;
            }
            int close = open + 1;
            while (close < value.length() && value.charAt(close) != '>' && value.charAt(close) != '<') {
                close++;
            }
            if (close >= value.length()) {
                break;
            }
            if (value.charAt(close) == '<') {
                i = close; // "<a <b>": the id starts at the second bracket
                continue;
            }
            String id = id(value, open + 1, close);
            if (id != null) {
                if (firstOnly) {
                    return List.of(id);
                }
                if (ids.size() == max) {
                    ids.removeFirst();
                }
                ids.addLast(id);
            }
            i = close + 1;
        }
        return new ArrayList<>(ids);
    }

    private static String id(String v, int from, int to) {
        StringBuilder b = new StringBuilder(Math.min(to - from, MAX_LENGTH));
        for (int k = from; k < to; k++) {
            char c = v.charAt(k);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (b.length() == MAX_LENGTH || c < 0x20 || c == 0x7f) {
                return null;
            }
            b.append(c);
        }
        return b.isEmpty() ? null : b.toString();
    }
}
