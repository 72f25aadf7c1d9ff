package org.postrider.api.address;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A mailbox address, {@code local-part@domain}, as RFC 5321 4.1.2 defines it, with
 * RFC 6531 (SMTPUTF8) UTF-8 local parts and IDN domains.
 *
 * <p>The parser is deliberately stricter than the grammar because its output reaches
 * relay decisions, file paths, directory lookups and logs:
 * <ul>
 * <li>source routes ({@code @a,@b:user@c}), the percent hack ({@code user%host@relay}) and
 *     bang paths ({@code host!user@relay}) are refused, never interpreted as routing;</li>
 * <li>a quoted local part may not hide an {@code @};</li>
 * <li>NUL, CR, LF and every other control character are refused, in ASCII and in UTF-8;</li>
 * <li>lengths are bounded: local part 64 octets, domain 253, the whole address 254.</li>
 * </ul>
 * Instances are immutable; {@link #equals} compares the local part exactly (RFC 5321
 * leaves its case to the receiving host) and the domain canonically.
 */
public final class MailAddress {
    /** RFC 5321 4.5.3.1.1. */
    public static final int MAX_LOCAL_PART_OCTETS = 64;
    /** RFC 5321 4.5.3.1.3 path limit minus the angle brackets. */
    public static final int MAX_ADDRESS_OCTETS = 254;

    private final String localPart;
    private final Domain domain;

    private MailAddress(String localPart, Domain domain) {
        this.localPart = localPart;
        this.domain = domain;
    }

    /** Parses {@code local-part@domain}; there are no angle brackets and no display name here. */
    public static MailAddress parse(String text) throws InvalidAddressException {
        if (text == null || text.isEmpty()) {
            throw new InvalidAddressException("empty address");
        }
        if (text.length() > 4 * MAX_ADDRESS_OCTETS) {
            throw new InvalidAddressException("address too long");
        }
        if (text.charAt(0) == '@') {
            throw new InvalidAddressException("source routes are not accepted");
        }
        int at = localPartEnd(text);
        if (at >= text.length() || text.charAt(at) != '@') {
            throw new InvalidAddressException("address has no domain");
        }
        String local = text.substring(0, at);
        Domain domain = Domain.parse(text.substring(at + 1));
        int octets = local.getBytes(StandardCharsets.UTF_8).length;
        if (octets > MAX_LOCAL_PART_OCTETS) {
            throw new InvalidAddressException("local part too long");
        }
        if (octets + 1 + domain.utf8Length() > MAX_ADDRESS_OCTETS) {
            throw new InvalidAddressException("address too long");
        }
        return new MailAddress(local, domain);
    }

    /** Builds an address from parts already taken apart, validating both. */
    public static MailAddress of(String localPart, String domain) throws InvalidAddressException {
        return parse(localPart + "@" + domain);
    }

    /** Returns the index just after the local part, validating it on the way. */
    private static int localPartEnd(String s) throws InvalidAddressException {
        if (s.charAt(0) == '"') {
            return quotedStringEnd(s);
        }
        int i = 0;
        boolean atomStart = true;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '@') {
                break;
            }
            if (c == '.') {
                if (atomStart) {
                    throw new InvalidAddressException("empty atom in local part");
                }
                atomStart = true;
                continue;
            }
            if (c >= 0x80) {
                Chars.requireSafeNonAscii(s, i);
            } else if (!Chars.isAtext(c)) {
                throw new InvalidAddressException(refusal(c));
            }
            atomStart = false;
        }
        if (i == 0) {
            throw new InvalidAddressException("empty local part");
        }
        if (atomStart) {
            throw new InvalidAddressException("local part ends with a dot");
        }
        return i;
    }

    private static int quotedStringEnd(String s) throws InvalidAddressException {
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                if (i == 1) {
                    throw new InvalidAddressException("empty local part");
                }
                return i + 1;
            }
            if (c == '\\') {
                i++;
                if (i >= s.length() || s.charAt(i) < 32 || s.charAt(i) > 126) {
                    throw new InvalidAddressException("invalid quoted pair in local part");
                }
                c = s.charAt(i);
            } else if (c >= 0x80) {
                Chars.requireSafeNonAscii(s, i);
                continue;
            } else if (!Chars.isQtext(c)) {
                throw new InvalidAddressException(refusal(c));
            }
            if (c == '@' || c == '%' || c == '!') {
                throw new InvalidAddressException("routing characters are not accepted in a quoted local part");
            }
        }
        throw new InvalidAddressException("unterminated quoted local part");
    }

    private static String refusal(char c) {
        return switch (c) {
            case '%' -> "percent-hack routing is not accepted";
            case '!' -> "bang-path routing is not accepted";
            case ':', ',' -> "source routes are not accepted";
            case '\0', '\r', '\n' -> "control characters are not accepted in an address";
            default -> c < 32 || c == 127 ? "control characters are not accepted in an address"
                    : "invalid character in local part";
        };
    }

    /** The local part exactly as given (quoted local parts keep their quotes). */
    public String localPart() {
        return localPart;
    }

    public Domain domain() {
        return domain;
    }

    /** True if the local part needs SMTPUTF8 to travel (the domain can always go as A-labels). */
    public boolean needsSmtpUtf8() {
        for (int i = 0; i < localPart.length(); i++) {
            if (localPart.charAt(i) >= 0x80) {
                return true;
            }
        }
        return false;
    }

    /** The key directories use: local part lower-cased (Unicode-aware) and canonical domain. */
    public String lookupKey() {
        return localPart.toLowerCase(Locale.ROOT) + "@" + domain.ascii();
    }

    /** The address with the domain in U-labels, for SMTPUTF8 peers and display. */
    public String toUnicodeString() {
        return localPart + "@" + domain.unicode();
    }

    /** The address with the domain in canonical ASCII form. */
    @Override
    public String toString() {
        return localPart + "@" + domain.ascii();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MailAddress a && a.localPart.equals(localPart) && a.domain.equals(domain);
    }

    @Override
    public int hashCode() {
        return localPart.hashCode() * 31 + domain.hashCode();
    }
}
