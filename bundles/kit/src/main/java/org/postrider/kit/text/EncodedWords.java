package org.postrider.kit.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Decodes RFC 2047 encoded words ("=?charset?B|Q?text?=") in a header value, for searching
 * and sorting (the store's TEXT and header search, IMAP SORT and THREAD base subjects).
 * Adjacent words of one charset are joined before decoding (a character may be split
 * between them) and the whitespace between encoded words goes (6.2). Linear: an encoded
 * text holds no '?', so each candidate is read up to the next '?' only, where mime4j's
 * DecoderUtil searches for "?=" again from each "=?" (quadratic on "=?a?b =?a?b ..." without one).
 */
public final class EncodedWords {
    private static final int MAX_CHARSET = 64;

    private EncodedWords() {
    }

    /** The value with its encoded words decoded; words of an unknown charset or bad encoding stay as written. */
    public static String decode(String s) {
        if (s.indexOf("=?") < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        Charset pendingCharset = null;
        int i = 0;
        int lastWordEnd = -1;
        for (int start = s.indexOf("=?"); start >= 0; start = s.indexOf("=?", i)) {
            int end = -1; // the '?' of the closing "?="
            byte[] bytes = null;
            Charset cs = null;
            int q1 = s.indexOf('?', start + 2);
            if (q1 > start + 2 && q1 - start - 2 <= MAX_CHARSET && q1 + 2 < s.length() && s.charAt(q1 + 2) == '?') {
                // the text has no '?', so it ends at the next one: scans of two candidates never overlap
                end = s.indexOf('?', q1 + 3);
                if (end >= 0 && end + 1 < s.length() && s.charAt(end + 1) == '=') {
                    String charset = s.substring(start + 2, q1);
                    int star = charset.indexOf('*'); // RFC 2231 language suffix
                    cs = charset(star >= 0 ? charset.substring(0, star) : charset);
                    bytes = cs == null ? null : bytes(s.charAt(q1 + 1), s, q1 + 3, end);
                }
            }
            if (bytes == null) {
                flush(out, pending, pendingCharset);
                pendingCharset = null;
                lastWordEnd = -1;
                out.append(s, i, start + 2);
                i = start + 2;
                continue;
            }
            boolean adjacent = lastWordEnd >= 0 && s.substring(lastWordEnd, start).isBlank();
            if (!adjacent || !cs.equals(pendingCharset)) {
                flush(out, pending, pendingCharset);
                if (!adjacent) {
                    out.append(s, i, start);
                }
            }
            pending.writeBytes(bytes);
            pendingCharset = cs;
            i = end + 2;
            lastWordEnd = i;
        }
        flush(out, pending, pendingCharset);
        out.append(s, i, s.length());
        return out.toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, Charset cs) {
        if (pending.size() > 0) {
            out.append(new String(pending.toByteArray(), cs != null ? cs : StandardCharsets.UTF_8));
            pending.reset();
        }
    }

    /** The octets of an encoded text, or null when it is not valid for its encoding. */
    private static byte[] bytes(char enc, String s, int from, int to) {
        String text = s.substring(from, to);
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c <= ' ' || c >= 127) {
                return null; // an encoded text has no spaces or 8-bit characters
            }
        }
        switch (enc) {
            case 'B', 'b' -> {
                try {
                    return Base64.getMimeDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
            case 'Q', 'q' -> {
                ByteArrayOutputStream b = new ByteArrayOutputStream(text.length());
                for (int k = 0; k < text.length(); k++) {
                    char c = text.charAt(k);
                    if (c == '_') {
                        b.write(' ');
                    } else if (c == '=' && k + 2 < text.length() + 0 && hex(text.charAt(k + 1)) >= 0
                            && hex(text.charAt(k + 2)) >= 0) {
                        b.write(hex(text.charAt(k + 1)) * 16 + hex(text.charAt(k + 2)));
                        k += 2;
                    } else {
                        b.write(c);
                    }
                }
                return b.toByteArray();
            }
            default -> {
                return null;
            }
        }
    }

    /** A charset by its MIME name, or null when Java does not know it. */
    private static Charset charset(String name) {
        if (name.isBlank()) {
            return null;
        }
        try {
            return Charset.forName(name.trim());
        } catch (IllegalArgumentException e) { // IllegalCharsetName, UnsupportedCharset
            return null;
        }
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
