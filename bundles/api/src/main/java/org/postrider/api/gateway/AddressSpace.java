package org.postrider.api.gateway;

import java.util.Locale;
import java.util.Objects;

/**
 * An address space a gateway serves, as in Exchange: an address type ("SMTP", "X400",
 * "FAX"...), a pattern with {@code *} and {@code ?} wildcards matched case-insensitively
 * against the whole address, and a cost (1-100, lowest wins).
 */
public record AddressSpace(String type, String pattern, int cost) {
    public AddressSpace {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(pattern, "pattern");
        if (cost < 1 || cost > 100) {
            throw new IllegalArgumentException("cost must be between 1 and 100");
        }
        type = type.toUpperCase(Locale.ROOT);
    }

    public boolean matches(String addressType, String address) {
        return type.equalsIgnoreCase(addressType)
                && glob(pattern.toLowerCase(Locale.ROOT), 0, address.toLowerCase(Locale.ROOT), 0);
    }

    /** Iterative wildcard match: linear backtracking, so a hostile pattern cannot blow up. */
    private static boolean glob(String p, int pi, String s, int si) {
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
