package org.postrider.store.maildir.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrider.api.store.BodyPart.Disposition;
import org.postrider.api.store.BodyPart.Parameter;
import org.postrider.api.store.HeaderField;
import org.postrider.kit.mime.Params;
import org.postrider.kit.mime.Text;

/** The Content-* fields of one entity as BODYSTRUCTURE shows them, with RFC 2045 defaults. */
final class ContentFields {
    String type = "text";
    String subtype = "plain";
    List<Parameter> parameters = List.of();
    String boundary;
    String id;
    String description;
    String encoding = "7BIT";
    String md5;
    Disposition disposition;
    List<String> language = List.of();
    String location;

    /** @param digestPart a part of multipart/digest, whose default type is message/rfc822 (RFC 2046 5.1.5) */
    static ContentFields of(List<HeaderField> fields, boolean digestPart) {
        ContentFields c = new ContentFields();
        if (digestPart) {
            c.type = "message";
            c.subtype = "rfc822";
        }
        boolean typeSeen = false;
        boolean encodingSeen = false;
        for (HeaderField f : fields) {
            String name = f.name().toLowerCase(Locale.ROOT);
            if (!name.startsWith("content-")) {
                continue;
            }
            String v = f.value();
            switch (name) {
                case "content-type" -> {
                    if (!typeSeen) {
                        typeSeen = true;
                        c.contentType(v);
                    }
                }
                case "content-transfer-encoding" -> {
                    if (!encodingSeen) {
                        encodingSeen = true;
                        String e = Params.parse(v).value().toUpperCase(Locale.ROOT);
                        if (!e.isEmpty()) {
                            c.encoding = e;
                        }
                    }
                }
                case "content-id" -> c.id = c.id == null ? v : c.id;
                case "content-description" -> c.description = c.description == null ? v : c.description;
                case "content-md5" -> c.md5 = c.md5 == null ? v : c.md5;
                case "content-location" -> c.location = c.location == null ? v : c.location;
                case "content-disposition" -> {
                    if (c.disposition == null) {
                        Params p = Params.parse(v);
                        if (!p.value().isEmpty()) {
                            c.disposition = new Disposition(p.value().toLowerCase(Locale.ROOT), p.parameters());
                        }
                    }
                }
                case "content-language" -> {
                    if (c.language.isEmpty()) {
                        c.language = languages(v);
                    }
                }
                default -> {
                }
            }
        }
        if (c.type.equals("text") && c.parameters.stream().noneMatch(p -> p.name().equals("charset"))) {
            List<Parameter> l = new ArrayList<>(c.parameters);
            l.add(new Parameter("charset", "us-ascii")); // RFC 2045 5.2
            c.parameters = l;
        }
        return c;
    }

    private void contentType(String v) {
        Params p = Params.parse(v);
        String t = p.value().toLowerCase(Locale.ROOT);
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || !token(t, 0, slash) || !token(t, slash + 1, t.length())) {
            // RFC 2045 5.2: a syntactically invalid Content-Type means text/plain; charset=us-ascii
            type = "text";
            subtype = "plain";
            return;
        }
        type = t.substring(0, slash);
        subtype = t.substring(slash + 1);
        parameters = p.parameters();
        boundary = p.get("boundary");
    }

    private static boolean token(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch <= 32 || ch >= 127 || "()<>@,;:\\\"/[]?=".indexOf(ch) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static List<String> languages(String v) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')' && depth > 0) {
                depth--;
            } else if (depth == 0 && ch == ',') {
                add(out, cur);
            } else if (depth == 0 && !Text.wsp(ch)) {
                cur.append(ch);
            }
        }
        add(out, cur);
        return out;
    }

    private static void add(List<String> out, StringBuilder cur) {
        if (!cur.isEmpty()) {
            out.add(cur.toString());
            cur.setLength(0);
        }
    }

    boolean is(String t, String s) {
        return type.equals(t) && subtype.equals(s);
    }

    /** message/rfc822 or message/global in an identity encoding: an enclosed message to parse. */
    boolean enclosesMessage() {
        return type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global"))
                && (encoding.equals("7BIT") || encoding.equals("8BIT") || encoding.equals("BINARY"));
    }

    /** Types whose BODYSTRUCTURE has a line count. */
    boolean countsLines() {
        return type.equals("text") || (type.equals("message") && (subtype.equals("rfc822") || subtype.equals("global")));
    }
}
