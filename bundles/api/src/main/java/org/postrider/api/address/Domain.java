package org.postrider.api.address;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A mail domain (RFC 5321 {@code Domain}, with IDN U-labels) or an address literal
 * ({@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]}).
 *
 * <p>The canonical form is lower-case ASCII with A-labels, so that two spellings of one
 * domain compare equal. Trailing dots, empty labels, labels over 63 octets and
 * general address literals are refused.
 */
public final class Domain {
    static final int MAX_LENGTH = 253;
    private static final int MAX_LABEL = 63;

    private final String ascii;
    private final boolean literal;

    private Domain(String ascii, boolean literal) {
        this.ascii = ascii;
        this.literal = literal;
    }

    /** Parses a domain or address literal, refusing anything that is not strictly valid. */
    public static Domain parse(String text) throws InvalidAddressException {
        if (text == null || text.isEmpty()) {
            throw new InvalidAddressException("empty domain");
        }
        if (text.charAt(0) == '[') {
            return new Domain(AddressLiteral.canonical(text), true);
        }
        return new Domain(toAscii(text), false);
    }

    private static String toAscii(String text) throws InvalidAddressException {
        if (text.length() > 4 * MAX_LENGTH) {
            throw new InvalidAddressException("domain too long");
        }
        boolean ascii = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                ascii = false;
                Chars.requireSafeNonAscii(text, i);
            } else if (!(Chars.isLetDig(c) || c == '-' || c == '.')) {
                throw new InvalidAddressException("invalid character in domain");
            }
        }
        String result;
        if (ascii) {
            result = text;
        } else {
            try {
                result = IDN.toASCII(text, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                throw new InvalidAddressException("invalid internationalised domain");
            }
        }
        result = result.toLowerCase(Locale.ROOT);
        checkLabels(result);
        return result;
    }

    private static void checkLabels(String ascii) throws InvalidAddressException {
        if (ascii.length() > MAX_LENGTH) {
            throw new InvalidAddressException("domain too long");
        }
        int start = 0;
        while (true) {
            int dot = ascii.indexOf('.', start);
            int end = dot < 0 ? ascii.length() : dot;
            int len = end - start;
            if (len == 0) {
                throw new InvalidAddressException("empty label in domain");
            }
            if (len > MAX_LABEL) {
                throw new InvalidAddressException("domain label too long");
            }
            if (ascii.charAt(start) == '-' || ascii.charAt(end - 1) == '-') {
                throw new InvalidAddressException("domain label starts or ends with a hyphen");
            }
            for (int i = start; i < end; i++) {
                char c = ascii.charAt(i);
                if (!(Chars.isLetDig(c) || c == '-')) {
                    throw new InvalidAddressException("invalid character in domain");
                }
            }
            if (dot < 0) {
                return;
            }
            start = dot + 1;
        }
    }

    /** Lower-case ASCII form (A-labels), or the canonical literal such as {@code [192.0.2.1]}. */
    public String ascii() {
        return ascii;
    }

    /** The domain with U-labels, for display and for SMTPUTF8 peers. */
    public String unicode() {
        return literal ? ascii : IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES);
    }

    /** True for {@code [IPv4]} and {@code [IPv6:...]} literals. */
    public boolean isLiteral() {
        return literal;
    }

    /** True if the unicode form differs from the ASCII one. */
    public boolean isInternationalised() {
        return !literal && !unicode().equals(ascii);
    }

    int utf8Length() {
        return ascii.getBytes(StandardCharsets.US_ASCII).length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Domain d && d.ascii.equals(ascii);
    }

    @Override
    public int hashCode() {
        return ascii.hashCode();
    }

    @Override
    public String toString() {
        return ascii;
    }
}
