package org.postrider.imap.parse;

/**
 * Modified UTF-7 mailbox names (RFC 3501 5.1.3), strict: {@link #decode} accepts only the
 * one canonical encoding of a name (printable ASCII never shifted, "&amp;" only as "&amp;-", no
 * empty or adjacent shifts, zero padding bits, paired surrogates), so two spellings can
 * never name one mailbox, and refuses names holding control characters (SECURITY.md 3.7).
 */
public final class ModifiedUtf7 {
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".toCharArray();
    private static final int[] VALUE = new int[128];

    static {
        java.util.Arrays.fill(VALUE, -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUE[ALPHABET[i]] = i;
        }
    }

    private ModifiedUtf7() {
    }

    /** Encodes a name; total (any Java string has an encoding). */
    public static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        int i = 0;
        while (i < name.length()) {
            char c = name.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int j = i;
            while (j < name.length() && (name.charAt(j) < 0x20 || name.charAt(j) > 0x7e)) {
                j++;
            }
            out.append('&');
            int bits = 0;
            int nbits = 0;
            for (int k = i; k < j; k++) {
                bits = (bits << 16) | name.charAt(k);
                nbits += 16;
                while (nbits >= 6) {
                    nbits -= 6;
                    out.append(ALPHABET[(bits >>> nbits) & 0x3f]);
                }
                bits &= (1 << nbits) - 1;
            }
            if (nbits > 0) {
                out.append(ALPHABET[(bits << (6 - nbits)) & 0x3f]);
            }
            out.append('-');
            i = j;
        }
        return out.toString();
    }

    /** Decodes a name in its canonical encoding, else refuses it. */
    public static String decode(String encoded) throws ImapSyntaxException {
        StringBuilder out = new StringBuilder(encoded.length());
        int i = 0;
        while (i < encoded.length()) {
            char c = encoded.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new ImapSyntaxException("invalid character in mailbox name");
            }
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = encoded.indexOf('-', i + 1);
            if (end < 0) {
                throw new ImapSyntaxException("unterminated modified UTF-7 in mailbox name");
            }
            if (end == i + 1) {
                out.append('&');
                i = end + 1;
                continue;
            }
            decodeShift(encoded, i + 1, end, out);
            i = end + 1;
        }
        String name = out.toString();
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                throw new ImapSyntaxException("control character in mailbox name");
            }
            if (Character.isHighSurrogate(c)) {
                if (k + 1 >= name.length() || !Character.isLowSurrogate(name.charAt(k + 1))) {
                    throw new ImapSyntaxException("invalid UTF-16 in mailbox name");
                }
                k++;
            } else if (Character.isLowSurrogate(c)) {
                throw new ImapSyntaxException("invalid UTF-16 in mailbox name");
            }
        }
        if (!encode(name).equals(encoded)) {
            throw new ImapSyntaxException("non-canonical modified UTF-7 in mailbox name");
        }
        return name;
    }

    private static void decodeShift(String s, int from, int to, StringBuilder out) throws ImapSyntaxException {
        int bits = 0;
        int nbits = 0;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            int v = c < 128 ? VALUE[c] : -1;
            if (v < 0) {
                throw new ImapSyntaxException("invalid modified BASE64 in mailbox name");
            }
            bits = (bits << 6) | v;
            nbits += 6;
            if (nbits >= 16) {
                nbits -= 16;
                char u = (char) ((bits >>> nbits) & 0xffff);
                if (u >= 0x20 && u <= 0x7e) {
                    throw new ImapSyntaxException("printable ASCII shifted in mailbox name");
                }
                out.append(u);
                bits &= (1 << nbits) - 1;
            }
        }
        if (nbits >= 6 || bits != 0) {
            throw new ImapSyntaxException("invalid modified BASE64 padding in mailbox name");
        }
    }
}
