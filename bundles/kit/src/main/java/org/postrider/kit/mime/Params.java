package org.postrider.kit.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.postrider.api.store.BodyPart.Parameter;

/**
 * The value and parameters of a Content-Type or Content-Disposition (RFC 2045 5.1), leniently:
 * comments skipped, unquoted words up to the next ";" joined, RFC 2231 continuations and
 * charset'language'percent-encoded values decoded. Linear in the field's length.
 */
public final class Params {
    /** Continuation numbers past this are not taken as RFC 2231 sections. */
    private static final int MAX_SECTION = 999;

    private final String value;
    private final List<Parameter> parameters;

    private Params(String value, List<Parameter> parameters) {
        this.value = value;
        this.parameters = parameters;
    }

    /** The value before the first ";" (e.g. the media type), trimmed. */
    public String value() {
        return value;
    }

    /** The parameters in order, names lower-cased, RFC 2231 sections joined and decoded. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The first parameter of that (lower-case) name, or null. */
    public String get(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }

    public static Params parse(String s) {
        Cursor c = new Cursor(s);
        String value = c.words(false);
        List<String[]> raw = new ArrayList<>();
        while (!c.end()) {
            c.i++; // the ';'
            String name = c.words(true).toLowerCase(Locale.ROOT);
            if (c.end() || c.peek() != '=') {
                continue; // no '=': not a parameter
            }
            c.i++;
            String v = c.words(false);
            if (!name.isEmpty() && name.indexOf(' ') < 0) {
                raw.add(new String[] {name, v});
            }
        }
        return new Params(value, rfc2231(raw));
    }

    private static List<Parameter> rfc2231(List<String[]> raw) {
        Map<String, Param> byName = new LinkedHashMap<>();
        for (String[] r : raw) {
            String name = r[0];
            boolean extended = name.endsWith("*");
            String n = extended ? name.substring(0, name.length() - 1) : name;
            int section = -1;
            int star = n.lastIndexOf('*');
            if (star > 0 && star < n.length() - 1 && n.length() - star <= 4) {
                int sec = 0;
                boolean digits = true;
                for (int i = star + 1; i < n.length(); i++) {
                    char ch = n.charAt(i);
                    if (ch < '0' || ch > '9') {
                        digits = false;
                        break;
                    }
                    sec = sec * 10 + (ch - '0');
                }
                if (digits && sec <= MAX_SECTION) {
                    section = sec;
                    n = n.substring(0, star);
                }
            }
            if (!extended && section < 0) {
                byName.computeIfAbsent(n, k -> new Param()).plain(r[1]);
            } else if (section < 0) {
                byName.computeIfAbsent(n, k -> new Param()).extended(r[1]);
            } else {
                byName.computeIfAbsent(n, k -> new Param()).section(section, extended, r[1]);
            }
        }
        List<Parameter> out = new ArrayList<>(byName.size());
        byName.forEach((name, p) -> {
            String v = p.value();
            if (v != null) {
                out.add(new Parameter(name, v));
            }
        });
        return out;
    }

    /** The forms one parameter name came in. */
    private static final class Param {
        String plain;
        String extended;
        final TreeMap<Integer, String[]> sections = new TreeMap<>();

        void plain(String v) {
            if (plain == null) {
                plain = v;
            }
        }

        void extended(String v) {
            if (extended == null) {
                extended = v;
            }
        }

        void section(int n, boolean ext, String v) {
            sections.putIfAbsent(n, new String[] {ext ? "*" : "", v});
        }

        String value() {
            if (extended != null) {
                return decodeExtended(extended, null);
            }
            if (!sections.isEmpty() && sections.firstKey() == 0) {
                Charset cs = null;
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                int expect = 0;
                for (Map.Entry<Integer, String[]> e : sections.entrySet()) {
                    if (e.getKey() != expect) {
                        break; // a gap: the rest is not part of the value
                    }
                    expect++;
                    String v = e.getValue()[1];
                    if (e.getValue()[0].isEmpty()) {
                        bytes.writeBytes(v.getBytes(cs != null ? cs : StandardCharsets.UTF_8));
                        continue;
                    }
                    if (e.getKey() == 0) {
                        int q1 = v.indexOf('\'');
                        int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
                        if (q2 >= 0) {
                            cs = Text.charset(v.substring(0, q1));
                            v = v.substring(q2 + 1);
                        }
                    }
                    percentDecode(v, bytes);
                }
                byte[] b = bytes.toByteArray();
                return cs != null ? new String(b, cs) : Text.decode(b, 0, b.length);
            }
            return plain;
        }
    }

    /** charset'language'%XX-value (RFC 2231 4). */
    static String decodeExtended(String v, Charset fallback) {
        int q1 = v.indexOf('\'');
        int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
        Charset cs = fallback;
        if (q2 >= 0) {
            cs = Text.charset(v.substring(0, q1));
            v = v.substring(q2 + 1);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        percentDecode(v, bytes);
        byte[] b = bytes.toByteArray();
        return cs != null ? new String(b, cs) : Text.decode(b, 0, b.length);
    }

    private static void percentDecode(String v, ByteArrayOutputStream out) {
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == '%' && i + 2 < v.length() + 0 && hex(v.charAt(i + 1)) >= 0 && hex(v.charAt(i + 2)) >= 0) {
                out.write(hex(v.charAt(i + 1)) * 16 + hex(v.charAt(i + 2)));
                i += 2;
            } else if (ch < 0x80) {
                out.write(ch);
            } else {
                out.writeBytes(String.valueOf(ch).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A position in a field value, skipping RFC 5322 comments and whitespace. */
    private static final class Cursor {
        final String s;
        int i;

        Cursor(String s) {
            this.s = s;
        }

        boolean end() {
            return i >= s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        void skipCfws() {
            while (i < s.length()) {
                char ch = s.charAt(i);
                if (Text.wsp(ch)) {
                    i++;
                } else if (ch == '(') {
                    int depth = 0;
                    while (i < s.length()) {
                        char d = s.charAt(i++);
                        if (d == '\\') {
                            i++;
                        } else if (d == '(') {
                            depth++;
                        } else if (d == ')' && --depth == 0) {
                            break;
                        }
                    }
                } else {
                    return;
                }
            }
        }

        /**
         * Words (tokens or quoted strings) up to ';' (and '=' for a name), joined by one
         * space; the cursor stops on the delimiter.
         */
        String words(boolean name) {
            StringBuilder out = new StringBuilder();
            boolean space = false;
            for (;;) {
                int before = i;
                skipCfws();
                if (end()) {
                    break;
                }
                space |= i > before && out.length() > 0;
                char ch = peek();
                if (ch == ';' || (name && ch == '=')) {
                    break;
                }
                if (space) {
                    out.append(' ');
                    space = false;
                }
                if (ch == '"') {
                    i++;
                    while (i < s.length() && s.charAt(i) != '"') {
                        char q = s.charAt(i++);
                        if (q == '\\' && i < s.length()) {
                            q = s.charAt(i++);
                        }
                        if (q != '\r' && q != '\n') {
                            out.append(q);
                        }
                    }
                    i++; // the closing quote (or past the end)
                } else {
                    while (i < s.length()) {
                        char t = s.charAt(i);
                        if (Text.wsp(t) || t == ';' || t == '(' || t == '"' || (name && t == '=')) {
                            break;
                        }
                        out.append(t);
                        i++;
                    }
                }
            }
            if (i > s.length()) {
                i = s.length();
            }
            return out.toString();
        }
    }
}
