package org.postrider.smtp.proto;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;

/**
 * SMTP command lines (RFC 5321 4.1): verbs, MAIL FROM and RCPT TO paths with their ESMTP
 * parameters, xtext (RFC 3461 4). Free of I/O. Strict where it matters: source routes,
 * percent hacks and bang paths are refused by the address parser, parameters are
 * keyword=value with printable values, repeated parameters are refused.
 */
public final class SmtpParser {
    private static final int MAX_PARAMS = 10;

    private SmtpParser() {
    }

    /** A malformed command; carries the reply code and enhanced status to send back. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;
        private final String enhanced;

        public Invalid(int code, String enhanced, String message) {
            super(message);
            this.code = code;
            this.enhanced = enhanced;
        }

        public String reply() {
            return code + " " + enhanced + " " + getMessage();
        }
    }

    public static SmtpRequest request(String line) throws Invalid {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Invalid(500, "5.5.2", "invalid character in command");
            }
        }
        int sp = line.indexOf(' ');
        String verb = sp < 0 ? line : line.substring(0, sp);
        if (verb.isEmpty() || verb.length() > 10 || !verb.chars().allMatch(c -> c < 0x80 && Character.isLetter(c))) {
            throw new Invalid(500, "5.5.2", "syntax error, command unrecognized");
        }
        return new SmtpRequest(verb.toUpperCase(Locale.ROOT), sp < 0 ? "" : line.substring(sp + 1));
    }

    /** "FROM:&lt;path&gt; [params]" of MAIL; the null path gives a null address. */
    public static SmtpPath mailFrom(String argument) throws Invalid {
        return path(argument, "FROM:", true);
    }

    /** "TO:&lt;path&gt; [params]" of RCPT; "&lt;Postmaster&gt;" gives postmaster@{@code postmasterDomain}. */
    public static SmtpPath rcptTo(String argument, String postmasterDomain) throws Invalid {
        String a = argument.trim();
        if (a.regionMatches(true, 0, "TO:", 0, 3)) {
            String rest = a.substring(3).trim();
            if (rest.regionMatches(true, 0, "<Postmaster>", 0, 12)) {
                try {
                    return new SmtpPath(MailAddress.parse("postmaster@" + postmasterDomain),
                            params(rest.substring(12)));
                } catch (InvalidAddressException e) {
                    throw new Invalid(501, "5.1.3", "bad postmaster domain");
                }
            }
        }
        return path(argument, "TO:", false);
    }

    private static SmtpPath path(String argument, String prefix, boolean nullAllowed) throws Invalid {
        if (!argument.regionMatches(true, 0, prefix, 0, prefix.length())) {
            throw new Invalid(501, "5.5.4", "syntax: " + (prefix.equals("FROM:") ? "MAIL FROM:<address>"
                    : "RCPT TO:<address>"));
        }
        String rest = argument.substring(prefix.length());
        if (rest.startsWith(" ")) {
            rest = rest.substring(1); // "MAIL FROM: <a@b>" is common enough to accept
        }
        if (!rest.startsWith("<")) {
            throw new Invalid(501, "5.5.4", "the address must be in angle brackets");
        }
        int close = closingBracket(rest);
        if (close < 0) {
            throw new Invalid(501, "5.5.4", "unterminated address");
        }
        String inner = rest.substring(1, close);
        Map<String, String> params = params(rest.substring(close + 1));
        if (inner.isEmpty()) {
            if (!nullAllowed) {
                throw new Invalid(501, "5.1.3", "a recipient address is required");
            }
            return new SmtpPath(null, params);
        }
        if (inner.startsWith("@")) {
            throw new Invalid(501, "5.1.7", "source routes are not accepted");
        }
        try {
            return new SmtpPath(MailAddress.parse(inner), params);
        } catch (InvalidAddressException e) {
            throw new Invalid(501, nullAllowed ? "5.1.7" : "5.1.3", "bad address: " + e.getMessage());
        }
    }

    /** The index of the '&gt;' that closes the path, skipping quoted local parts. */
    private static int closingBracket(String s) {
        boolean quoted = false;
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && quoted) {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        return -1;
    }

    static Map<String, String> params(String s) throws Invalid {
        Map<String, String> params = new LinkedHashMap<>();
        String t = s.trim();
        if (t.isEmpty()) {
            return params;
        }
        if (!s.startsWith(" ")) {
            throw new Invalid(501, "5.5.4", "parameters must follow the address after a space");
        }
        for (String p : t.split(" +")) {
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1);
            if (key.isEmpty() || !key.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')
                    || key.chars().anyMatch(c -> c >= 0x80)) {
                throw new Invalid(501, "5.5.4", "bad parameter " + key);
            }
            if (value != null && value.chars().anyMatch(c -> c <= 0x20 || c == '=' || c == 0x7f)) {
                throw new Invalid(501, "5.5.4", "bad value of " + key);
            }
            if (params.put(key, value == null ? "" : value) != null) {
                throw new Invalid(501, "5.5.4", "parameter " + key + " given twice");
            }
            if (params.size() > MAX_PARAMS) {
                throw new Invalid(501, "5.5.4", "too many parameters");
            }
        }
        return params;
    }

    /** RFC 3461 xtext: "+XX" hex escapes; anything else outside 0x21-0x7e is refused. */
    public static String xtext(String s) throws Invalid {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length()) {
                    throw new Invalid(501, "5.5.4", "bad xtext");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || Character.isLowerCase(s.charAt(i + 1)) || Character.isLowerCase(s.charAt(i + 2))) {
                    throw new Invalid(501, "5.5.4", "bad xtext");
                }
                int v = hi << 4 | lo;
                if (v < 0x20 || v > 0x7e) {
                    throw new Invalid(501, "5.5.4", "control character in xtext");
                }
                sb.append((char) v);
                i += 2;
            } else if (c < 0x21 || c > 0x7e || c == '=') {
                throw new Invalid(501, "5.5.4", "bad xtext");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The inverse of {@link #xtext}: "+", "=" and anything outside 0x21-0x7e as "+XX" (of its UTF-8 bytes). */
    public static String toXtext(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x21 && c <= 0x7e && c != '+' && c != '=') {
                sb.append((char) c);
            } else {
                sb.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
