package org.postrider.imap.sort;

/**
 * i;ascii-casemap (RFC 4790 9.2), the collation of SORT and THREAD (RFC 5256): ASCII letters
 * fold to upper case, everything else compares by code point, which is the order of the
 * UTF-8 octets the RFC compares. Keys are folded once ({@link #key}), then compared.
 */
public final class Collation {
    /** Sort keys are cut to this many characters: two keys that long and equal so far tie. */
    public static final int MAX_KEY = 1024;

    private Collation() {
    }

    /** The comparison key of a string: ASCII letters upper-cased, cut to {@link #MAX_KEY}. */
    public static String key(String s) {
        if (s == null) {
            return "";
        }
        int n = Math.min(s.length(), MAX_KEY);
        if (n > 0 && Character.isHighSurrogate(s.charAt(n - 1))) {
            n--;
        }
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            c[i] = ch >= 'a' && ch <= 'z' ? (char) (ch - 32) : ch;
        }
        return new String(c);
    }

    /** Compares two keys by code point (String.compareTo orders by UTF-16 unit, which differs past U+FFFF). */
    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy) {
                    return sx ? 1 : -1; // a surrogate stands for a code point above every BMP one
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
