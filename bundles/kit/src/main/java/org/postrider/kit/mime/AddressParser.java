package org.postrider.kit.mime;

import java.util.ArrayList;
import java.util.List;
import org.postrider.api.store.Envelope.Address;

/**
 * An RFC 5322 address list (obsolete forms too) as IMAP ENVELOPE shows it: display names
 * unquoted but not decoded, source routes as "@a,@b", groups framed by a (null, null, name,
 * null) and an all-null address. Lenient and linear: every step consumes input, anything
 * unparseable is skipped. A mailbox without a domain gets host "" (never null, which would
 * read as group syntax).
 */
public final class AddressParser {
    private final String s;
    private int i;
    private String comment; // the last comment seen, a name for "addr (Name)"

    private AddressParser(String s) {
        this.s = s;
    }

    public static List<Address> parse(String s) {
        AddressParser p = new AddressParser(s);
        List<Address> out = new ArrayList<>();
        p.list(out, true);
        return out;
    }

    private void list(List<Address> out, boolean top) {
        for (;;) {
            skipCfws();
            if (end()) {
                return;
            }
            char ch = s.charAt(i);
            if (ch == ',') {
                i++;
                continue;
            }
            if (ch == ';') {
                if (!top) {
                    return; // the group's end: the caller consumes it
                }
                i++;
                continue;
            }
            int before = i;
            address(out, top);
            if (i == before) {
                i++; // a stray special: skip it
            }
        }
    }

    /** A word of a phrase or local part: its text as written and, for a name, unquoted. */
    private record Word(String raw, String text, boolean spaceBefore) {
    }

    private void address(List<Address> out, boolean allowGroup) {
        comment = null;
        List<Word> words = words();
        char ch = end() ? 0 : s.charAt(i);
        if (ch == ':' && allowGroup) {
            i++;
            out.add(new Address(null, null, phrase(words), null));
            list(out, false);
            if (!end()) {
                i++; // ';'
            }
            out.add(new Address(null, null, null, null));
        } else if (ch == '<') {
            String name = words.isEmpty() ? null : phrase(words);
            angle(out, name);
        } else if (ch == '@') {
            i++;
            String domain = domain();
            out.add(new Address(comment, null, local(words), domain));
        } else if (!words.isEmpty()) {
            out.add(new Address(comment, null, local(words), ""));
        }
    }

    private void angle(List<Address> out, String name) {
        i++; // '<'
        skipCfws();
        StringBuilder route = new StringBuilder();
        while (!end() && s.charAt(i) == '@') {
            i++;
            String d = domain();
            if (!route.isEmpty()) {
                route.append(',');
            }
            route.append('@').append(d);
            skipCfws();
            while (!end() && s.charAt(i) == ',') {
                i++;
                skipCfws();
            }
            if (!end() && s.charAt(i) == ':') {
                i++;
                break;
            }
        }
        List<Word> words = words();
        String domain = "";
        if (!end() && s.charAt(i) == '@') {
            i++;
            domain = domain();
        }
        while (!end() && s.charAt(i) != '>' && s.charAt(i) != ',') {
            i++; // junk before '>'
        }
        if (!end() && s.charAt(i) == '>') {
            i++;
        }
        out.add(new Address(name, route.isEmpty() ? null : route.toString(), local(words), domain));
    }

    private List<Word> words() {
        List<Word> words = new ArrayList<>();
        for (;;) {
            int before = i;
            skipCfws();
            if (end()) {
                return words;
            }
            boolean space = i > before;
            char ch = s.charAt(i);
            if (ch == '"') {
                int start = i++;
                StringBuilder text = new StringBuilder();
                while (!end() && s.charAt(i) != '"') {
                    char q = s.charAt(i++);
                    if (q == '\\' && !end()) {
                        q = s.charAt(i++);
                    }
                    if (q != '\r' && q != '\n') {
                        text.append(q);
                    }
                }
                if (!end()) {
                    i++;
                }
                words.add(new Word(s.substring(start, i), text.toString(), space));
            } else if (ch == '.') {
                i++;
                words.add(new Word(".", ".", space));
            } else if ("<>@,;:[]\\)".indexOf(ch) >= 0) {
                return words;
            } else {
                int start = i;
                while (!end() && !special(s.charAt(i))) {
                    i++;
                }
                String atom = s.substring(start, i);
                words.add(new Word(atom, atom, space));
            }
        }
    }

    private String domain() {
        StringBuilder d = new StringBuilder();
        for (;;) {
            skipCfws();
            if (end()) {
                return d.toString();
            }
            char ch = s.charAt(i);
            if (ch == '[') {
                int start = i;
                while (!end() && s.charAt(i) != ']') {
                    i++;
                }
                if (!end()) {
                    i++;
                }
                d.append(s, start, i);
            } else if (ch == '.') {
                d.append('.');
                i++;
            } else if (special(ch) || ch == '"') {
                return d.toString();
            } else {
                int start = i;
                while (!end() && !special(s.charAt(i))) {
                    i++;
                }
                d.append(s, start, i);
            }
        }
    }

    private static String phrase(List<Word> words) {
        StringBuilder b = new StringBuilder();
        for (Word w : words) {
            if (w.spaceBefore && !b.isEmpty()) {
                b.append(' ');
            }
            b.append(w.text);
        }
        return b.toString();
    }

    private static String local(List<Word> words) {
        StringBuilder b = new StringBuilder();
        for (Word w : words) {
            b.append(w.raw);
        }
        return b.toString();
    }

    private static boolean special(char ch) {
        return Text.wsp(ch) || "()<>@,;:\\\".[]".indexOf(ch) >= 0;
    }

    private boolean end() {
        return i >= s.length();
    }

    private void skipCfws() {
        while (!end()) {
            char ch = s.charAt(i);
            if (Text.wsp(ch)) {
                i++;
            } else if (ch == '(') {
                int start = ++i;
                int depth = 1;
                while (!end()) {
                    char d = s.charAt(i++);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')' && --depth == 0) {
                        break;
                    }
                }
                int stop = Math.min(i, s.length());
                String c = s.substring(start, depth == 0 ? stop - 1 : stop).trim();
                if (!c.isEmpty()) {
                    comment = c;
                }
            } else {
                return;
            }
        }
        if (i > s.length()) {
            i = s.length();
        }
    }
}
