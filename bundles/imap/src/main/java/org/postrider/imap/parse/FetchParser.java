package org.postrider.imap.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * FETCH arguments (RFC 9051 6.4.5 and 9: sequence set, a macro or one item or a list of
 * items, then RFC 7162 modifiers) to a {@link FetchRequest}. Section paths are at most
 * {@link #MAX_PART_DEPTH} deep and header lists at most {@link #MAX_FIELDS} names; a FETCH
 * has at most {@link #MAX_ITEMS} items.
 */
public final class FetchParser {
    public static final int MAX_PART_DEPTH = 32;
    public static final int MAX_FIELDS = 1000;
    public static final int MAX_ITEMS = 1000;

    private FetchParser() {
    }

    /** Parses the arguments after FETCH; {@code uid} for UID FETCH (VANISHED needs it). */
    public static FetchRequest parse(List<ImapToken> args, boolean uid, int maxRanges) throws ImapSyntaxException {
        ArgReader r = new ArgReader(args);
        SequenceSet set = r.sequenceSet(maxRanges);
        List<FetchItem> items = new ArrayList<>();
        ImapToken what = r.next();
        if (what instanceof ImapToken.ListOf list) {
            if (list.items().isEmpty()) {
                throw new ImapSyntaxException("empty FETCH item list");
            }
            if (list.items().size() > MAX_ITEMS) {
                throw new ImapSyntaxException("too many FETCH items");
            }
            for (ImapToken t : list.items()) {
                if (!(t instanceof ImapToken.Atom a)) {
                    throw new ImapSyntaxException("invalid FETCH item");
                }
                items.add(item(a.text()));
            }
        } else if (what instanceof ImapToken.Atom a) {
            switch (a.text().toUpperCase(Locale.ROOT)) {
                case "ALL" -> items.addAll(List.of(FetchItem.Simple.FLAGS, FetchItem.Simple.INTERNALDATE,
                        FetchItem.Simple.RFC822_SIZE, FetchItem.Simple.ENVELOPE));
                case "FAST" -> items.addAll(List.of(FetchItem.Simple.FLAGS, FetchItem.Simple.INTERNALDATE,
                        FetchItem.Simple.RFC822_SIZE));
                case "FULL" -> items.addAll(List.of(FetchItem.Simple.FLAGS, FetchItem.Simple.INTERNALDATE,
                        FetchItem.Simple.RFC822_SIZE, FetchItem.Simple.ENVELOPE, FetchItem.Simple.BODY));
                default -> items.add(item(a.text()));
            }
        } else {
            throw new ImapSyntaxException("invalid FETCH item");
        }
        long changedSince = -1;
        boolean vanished = false;
        if (r.hasNext()) {
            List<ImapToken> mods = r.list().items();
            ArgReader m = new ArgReader(mods);
            while (m.hasNext()) {
                String name = m.atom().toUpperCase(Locale.ROOT);
                if (name.equals("CHANGEDSINCE") && changedSince < 0) {
                    changedSince = m.number64();
                } else if (name.equals("VANISHED") && !vanished) {
                    vanished = true;
                } else {
                    throw new ImapSyntaxException("invalid FETCH modifier");
                }
            }
            if (vanished && (!uid || changedSince < 0)) {
                throw new ImapSyntaxException("VANISHED needs UID FETCH and CHANGEDSINCE");
            }
        }
        r.end();
        return new FetchRequest(set, items, changedSince, vanished);
    }

    /** One item atom, e.g. "BODY.PEEK[1.2.HEADER.FIELDS (From To)]&lt;0.1024&gt;". */
    static FetchItem item(String text) throws ImapSyntaxException {
        int open = text.indexOf('[');
        if (open < 0) {
            return switch (text.toUpperCase(Locale.ROOT)) {
                case "ENVELOPE" -> FetchItem.Simple.ENVELOPE;
                case "BODYSTRUCTURE" -> FetchItem.Simple.BODYSTRUCTURE;
                case "BODY" -> FetchItem.Simple.BODY;
                case "FLAGS" -> FetchItem.Simple.FLAGS;
                case "UID" -> FetchItem.Simple.UID;
                case "MODSEQ" -> FetchItem.Simple.MODSEQ;
                case "INTERNALDATE" -> FetchItem.Simple.INTERNALDATE;
                case "RFC822.SIZE" -> FetchItem.Simple.RFC822_SIZE;
                case "RFC822" -> FetchItem.Simple.RFC822;
                case "RFC822.HEADER" -> FetchItem.Simple.RFC822_HEADER;
                case "RFC822.TEXT" -> FetchItem.Simple.RFC822_TEXT;
                case "SAVEDATE" -> FetchItem.Simple.SAVEDATE;
                case "EMAILID" -> FetchItem.Simple.EMAILID;
                case "THREADID" -> FetchItem.Simple.THREADID;
                default -> throw new ImapSyntaxException("unknown FETCH item");
            };
        }
        int close = closingBracket(text, open);
        String name = text.substring(0, open).toUpperCase(Locale.ROOT);
        String spec = text.substring(open + 1, close);
        String tail = text.substring(close + 1);
        switch (name) {
            case "BODY", "BODY.PEEK" -> {
                long[] partial = partial(tail);
                return new FetchItem.BodySection(section(spec), name.equals("BODY.PEEK"), partial[0], partial[1]);
            }
            case "BINARY", "BINARY.PEEK" -> {
                long[] partial = partial(tail);
                return new FetchItem.Binary(partPath(spec), name.equals("BINARY.PEEK"), partial[0], partial[1]);
            }
            case "BINARY.SIZE" -> {
                if (!tail.isEmpty()) {
                    throw new ImapSyntaxException("BINARY.SIZE takes no partial");
                }
                return new FetchItem.BinarySize(partPath(spec));
            }
            default -> throw new ImapSyntaxException("unknown FETCH item");
        }
    }

    /** The ']' closing the '[' at {@code open}, skipping quoted header names. */
    private static int closingBracket(String s, int open) throws ImapSyntaxException {
        boolean quote = false;
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quote = false;
                }
            } else if (c == '"') {
                quote = true;
            } else if (c == ']') {
                return i;
            } else if (c == '[') {
                break;
            }
        }
        throw new ImapSyntaxException("invalid section");
    }

    /** "&lt;origin.length&gt;" to {origin, length}; "" to {-1, -1}. */
    private static long[] partial(String tail) throws ImapSyntaxException {
        if (tail.isEmpty()) {
            return new long[] {-1, -1};
        }
        int dot = tail.indexOf('.');
        if (!tail.startsWith("<") || !tail.endsWith(">") || dot < 0) {
            throw new ImapSyntaxException("invalid partial");
        }
        long origin = ArgReader.number(tail.substring(1, dot), 0xFFFF_FFFFL);
        long length = ArgReader.number(tail.substring(dot + 1, tail.length() - 1), 0xFFFF_FFFFL);
        if (length == 0 || tail.charAt(dot + 1) == '0') {
            throw new ImapSyntaxException("invalid partial");
        }
        return new long[] {origin, length};
    }

    static FetchItem.Section section(String spec) throws ImapSyntaxException {
        List<Integer> part = new ArrayList<>();
        int i = 0;
        while (i < spec.length() && Character.isDigit(spec.charAt(i))) {
            int dot = spec.indexOf('.', i);
            int end = dot < 0 ? spec.length() : dot;
            part.add(nzPart(spec.substring(i, end)));
            if (part.size() > MAX_PART_DEPTH) {
                throw new ImapSyntaxException("section nested too deep");
            }
            i = dot < 0 ? spec.length() : dot + 1;
            if (dot >= 0 && i == spec.length()) {
                throw new ImapSyntaxException("invalid section");
            }
        }
        String rest = spec.substring(i);
        String upper = rest.toUpperCase(Locale.ROOT);
        if (rest.isEmpty()) {
            return new FetchItem.Section(part, FetchItem.Section.Kind.WHOLE, List.of());
        }
        switch (upper) {
            case "HEADER" -> {
                return new FetchItem.Section(part, FetchItem.Section.Kind.HEADER, List.of());
            }
            case "TEXT" -> {
                return new FetchItem.Section(part, FetchItem.Section.Kind.TEXT, List.of());
            }
            case "MIME" -> {
                if (part.isEmpty()) {
                    throw new ImapSyntaxException("MIME needs a part number");
                }
                return new FetchItem.Section(part, FetchItem.Section.Kind.MIME, List.of());
            }
            default -> {
            }
        }
        FetchItem.Section.Kind kind;
        String list;
        if (upper.startsWith("HEADER.FIELDS.NOT ")) {
            kind = FetchItem.Section.Kind.HEADER_FIELDS_NOT;
            list = rest.substring("HEADER.FIELDS.NOT ".length());
        } else if (upper.startsWith("HEADER.FIELDS ")) {
            kind = FetchItem.Section.Kind.HEADER_FIELDS;
            list = rest.substring("HEADER.FIELDS ".length());
        } else {
            throw new ImapSyntaxException("invalid section");
        }
        return new FetchItem.Section(part, kind, headerList(list));
    }

    /** "(" header-fld-name *(SP header-fld-name) ")", names as atoms or quoted strings. */
    private static List<String> headerList(String s) throws ImapSyntaxException {
        if (s.length() < 3 || s.charAt(0) != '(' || s.charAt(s.length() - 1) != ')') {
            throw new ImapSyntaxException("invalid header list");
        }
        List<String> names = new ArrayList<>();
        int i = 1;
        int end = s.length() - 1;
        while (true) {
            StringBuilder name = new StringBuilder();
            if (i < end && s.charAt(i) == '"') {
                i++;
                while (i < end && s.charAt(i) != '"') {
                    char c = s.charAt(i);
                    if (c == '\\' && i + 1 < end && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                        c = s.charAt(++i);
                    } else if (c == '\\') {
                        throw new ImapSyntaxException("invalid header list");
                    }
                    name.append(c);
                    i++;
                }
                if (i >= end) {
                    throw new ImapSyntaxException("invalid header list");
                }
                i++;
            } else {
                while (i < end && s.charAt(i) != ' ') {
                    name.append(s.charAt(i++));
                }
            }
            String n = name.toString();
            if (n.isEmpty() || !n.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
                throw new ImapSyntaxException("invalid header field name");
            }
            names.add(n);
            if (names.size() > MAX_FIELDS) {
                throw new ImapSyntaxException("too many header fields");
            }
            if (i == end) {
                return names;
            }
            if (s.charAt(i) != ' ' || i + 1 == end) {
                throw new ImapSyntaxException("invalid header list");
            }
            i++;
        }
    }

    /** section-part for BINARY: empty or nz-number *("." nz-number). */
    private static List<Integer> partPath(String spec) throws ImapSyntaxException {
        List<Integer> part = new ArrayList<>();
        if (spec.isEmpty()) {
            return part;
        }
        for (String n : spec.split("\\.", -1)) {
            part.add(nzPart(n));
            if (part.size() > MAX_PART_DEPTH) {
                throw new ImapSyntaxException("section nested too deep");
            }
        }
        return part;
    }

    private static int nzPart(String n) throws ImapSyntaxException {
        if (n.isEmpty() || n.charAt(0) == '0') {
            throw new ImapSyntaxException("invalid section part");
        }
        return (int) ArgReader.number(n, Integer.MAX_VALUE);
    }
}
