package org.postrider.api.address;

/** Character classes of RFC 5321 and RFC 6531, shared by the address and domain parsers. */
final class Chars {
    private Chars() {
    }

    static boolean isLetDig(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * RFC 5321 atext minus '%' and '!': those two are routing syntax (percent hack, bang
     * paths) that must never reach a relay decision, so they are refused outright.
     */
    static boolean isAtext(char c) {
        if (isLetDig(c)) {
            return true;
        }
        return switch (c) {
            case '#', '$', '&', '\'', '*', '+', '-', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~' -> true;
            default -> false;
        };
    }

    /** RFC 5321 qtextSMTP: printable ASCII except '"' and '\\'. */
    static boolean isQtext(char c) {
        return c >= 32 && c <= 126 && c != '"' && c != '\\';
    }

    /**
     * Accepts a non-ASCII code point at {@code i} only if it is a well-formed, visible
     * character: no C1 controls, no unpaired surrogates, no replacement character (the
     * trace of a bad decode), no format characters that hide text (bidi overrides).
     */
    static void requireSafeNonAscii(String s, int i) throws InvalidAddressException {
        char c = s.charAt(i);
        int cp = c;
        if (Character.isHighSurrogate(c)) {
            if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                throw new InvalidAddressException("malformed UTF-8 in address");
            }
            cp = s.codePointAt(i);
        } else if (Character.isLowSurrogate(c)) {
            if (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1))) {
                throw new InvalidAddressException("malformed UTF-8 in address");
            }
            return; // checked together with its high surrogate
        }
        int type = Character.getType(cp);
        if (cp < 0xA0 || cp == 0xFFFD || type == Character.FORMAT || type == Character.CONTROL
                || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                || type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR) {
            throw new InvalidAddressException("invalid character in address");
        }
    }
}
