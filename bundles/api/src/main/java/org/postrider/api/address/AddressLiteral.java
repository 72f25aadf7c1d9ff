package org.postrider.api.address;

import java.util.Locale;

/** RFC 5321 4.1.3 address literals: IPv4 and IPv6 only; general literals are refused. */
final class AddressLiteral {
    private static final String IPV6_TAG = "IPv6:";

    private AddressLiteral() {
    }

    static String canonical(String text) throws InvalidAddressException {
        if (text.length() < 3 || text.length() > 64 || text.charAt(text.length() - 1) != ']') {
            throw new InvalidAddressException("malformed address literal");
        }
        String inner = text.substring(1, text.length() - 1);
        if (inner.regionMatches(true, 0, IPV6_TAG, 0, IPV6_TAG.length())) {
            String v6 = inner.substring(IPV6_TAG.length());
            checkIpv6(v6);
            // Kept as written (lower-cased): InetAddress would turn ::ffff:a.b.c.d into IPv4.
            return "[IPv6:" + v6.toLowerCase(Locale.ROOT) + "]";
        }
        checkIpv4(inner);
        return "[" + inner + "]";
    }

    static void checkIpv4(String s) throws InvalidAddressException {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidAddressException("malformed IPv4 address literal");
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new InvalidAddressException("malformed IPv4 address literal");
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    throw new InvalidAddressException("malformed IPv4 address literal");
                }
            }
            if (Integer.parseInt(p) > 255) {
                throw new InvalidAddressException("malformed IPv4 address literal");
            }
        }
    }

    /** Hex groups, at most one "::", an optional dotted IPv4 tail; nothing else reaches InetAddress. */
    static void checkIpv6(String s) throws InvalidAddressException {
        if (s.isEmpty()) {
            throw new InvalidAddressException("malformed IPv6 address literal");
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            throw new InvalidAddressException("malformed IPv6 address literal");
        }
        String[] groups = s.split(":", -1);
        int words = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            if (g.isEmpty()) {
                continue; // part of "::", validated by the count below and by InetAddress
            }
            if (i == groups.length - 1 && g.indexOf('.') >= 0) {
                checkIpv4(g);
                words += 2;
                continue;
            }
            if (g.length() > 4) {
                throw new InvalidAddressException("malformed IPv6 address literal");
            }
            for (int j = 0; j < g.length(); j++) {
                if (Character.digit(g.charAt(j), 16) < 0) {
                    throw new InvalidAddressException("malformed IPv6 address literal");
                }
            }
            words++;
        }
        if (doubleColon < 0 ? words != 8 : words > 7) {
            throw new InvalidAddressException("malformed IPv6 address literal");
        }
    }
}
