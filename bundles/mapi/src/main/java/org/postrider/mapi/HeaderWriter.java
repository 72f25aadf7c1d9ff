package org.postrider.mapi;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Header field text that survives the trip through MIME exactly: plain when it is plain
 * printable ASCII (folded at its own spaces), RFC 2047 B-encoded words of UTF-8 otherwise
 * (leading, trailing or double spaces, control characters, "=?", non-ASCII, long words),
 * and RFC 2231 parameters for non-ASCII file names.
 */
final class HeaderWriter {
    private static final int LINE = 78;
    /** UTF-8 octets per encoded word: 60 base64 characters, a word of 72 with its frame. */
    private static final int WORD_OCTETS = 45;

    private HeaderWriter() {
    }

    /** "Name: value" with CRLF, for unstructured text (Subject). */
    static String unstructured(String name, String value) {
        StringBuilder out = new StringBuilder(name.length() + value.length() + 16).append(name).append(':');
        if (plain(value, 900)) {
            fold(out, name.length() + 1, value);
        } else {
            encodedWords(out, name.length() + 1, value);
        }
        return out.append("\r\n").toString();
    }

    /** "Name: value" with CRLF, for message ids: control characters become spaces, folded at spaces. */
    static String ids(String name, String value) {
        StringBuilder out = new StringBuilder().append(name).append(':');
        fold(out, name.length() + 1, cleanIds(value));
        return out.append("\r\n").toString();
    }

    /** Message ids as a field carries them: control characters as spaces, no space at either end. */
    static String cleanIds(String value) {
        StringBuilder clean = new StringBuilder(value.length());
        value.codePoints().forEach(c -> clean.appendCodePoint(c < 0x20 || c == 0x7F ? ' ' : c));
        int a = 0;
        int b = clean.length();
        while (a < b && clean.charAt(a) == ' ') {
            a++;
        }
        while (b > a && clean.charAt(b - 1) == ' ') {
            b--;
        }
        return clean.substring(a, b);
    }

    /** A mailbox, {@code "Name" <addr>} or {@code =?UTF-8?B?...?= <addr>} or {@code <addr>}. */
    static void mailbox(StringBuilder out, int used, String name, String address) {
        if (name != null && !name.isEmpty()) {
            if (quotable(name) && name.length() <= 200) {
                out.append(" \"");
                for (int i = 0; i < name.length(); i++) {
                    char c = name.charAt(i);
                    if (c == '"' || c == '\\') {
                        out.append('\\');
                    }
                    out.append(c);
                }
                out.append('"');
            } else {
                encodedWords(out, used, name);
            }
        }
        out.append(" <").append(address).append('>');
    }

    /** Printable ASCII with single inner spaces, no "=?", words of at most {@code maxWord}. */
    static boolean plain(String s, int maxWord) {
        if (s.isEmpty() || s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ' || s.contains("=?")) {
            return s.isEmpty();
        }
        int word = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ' ') {
                if (s.charAt(i - 1) == ' ') {
                    return false;
                }
                word = 0;
            } else if (c < 0x21 || c > 0x7E || ++word > maxWord) {
                return false;
            }
        }
        return true;
    }

    /** Fits a quoted-string as it is: printable ASCII, spaces anywhere, no "=?". */
    private static boolean quotable(String s) {
        return !s.contains("=?") && s.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
    }

    /** Plain words, a line break put before a space where the line would pass 78. */
    private static void fold(StringBuilder out, int used, String value) {
        int col = used;
        int start = 0;
        while (start <= value.length()) {
            int sp = value.indexOf(' ', start);
            int end = sp < 0 ? value.length() : sp;
            int len = end - start + 1; // the word and the space before it
            if (start > 0 && col + len > LINE) {
                out.append("\r\n");
                col = 0;
            }
            out.append(' ').append(value, start, end);
            col += len;
            if (sp < 0) {
                break;
            }
            start = sp + 1;
        }
    }

    /** B-encoded words of UTF-8 whole characters, one a line after the first. */
    private static void encodedWords(StringBuilder out, int used, String value) {
        Base64.Encoder b64 = Base64.getEncoder();
        int i = 0;
        boolean first = true;
        while (i < value.length()) {
            int j = i;
            int octets = 0;
            while (j < value.length()) {
                int cp = value.codePointAt(j);
                int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (octets + n > WORD_OCTETS) {
                    break;
                }
                octets += n;
                j += Character.charCount(cp);
            }
            if (!first) {
                out.append("\r\n");
            }
            out.append(" =?UTF-8?B?")
                    .append(b64.encodeToString(value.substring(i, j).getBytes(StandardCharsets.UTF_8))).append("?=");
            first = false;
            i = j;
        }
    }

    /**
     * {@code ; name="value"} when the value is short printable ASCII, else RFC 2231
     * {@code ; name*0*=UTF-8''%XX...} sections of at most 60 characters, one a line.
     */
    static void parameter(StringBuilder out, String name, String value) {
        if (value.length() <= 100 && quotable(value) && value.indexOf('"') < 0 && value.indexOf('\\') < 0) {
            out.append(";\r\n ").append(name).append("=\"").append(value).append('"');
            return;
        }
        StringBuilder section = new StringBuilder("UTF-8''");
        int n = 0;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (section.length() >= 60) {
                out.append(";\r\n ").append(name).append('*').append(n++).append("*=").append(section);
                section.setLength(0);
            }
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                section.append((char) c);
            } else {
                section.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        out.append(";\r\n ").append(name).append('*').append(n).append("*=").append(section);
    }
}
