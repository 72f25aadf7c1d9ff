package org.postrider.imap.parse;

import java.util.List;
import java.util.Locale;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.MessageStructure;

/**
 * ENVELOPE, BODY and BODYSTRUCTURE (RFC 3501 7.4.2, RFC 9051 7.5.2) from the store's cached
 * {@link MessageStructure}; pure functions onto a {@link ResponseWriter}. Where the cached
 * structure stops short of what the grammar requires (a multipart with no parts, a
 * message/rfc822 without its enclosed message, both possible when the store truncated a
 * bomb) an empty text/plain part stands in, so the output always parses.
 */
public final class StructureWriter {
    private StructureWriter() {
    }

    /** ENVELOPE; Sender and Reply-To default to From (RFC 9051 7.5.2). */
    public static void envelope(ResponseWriter w, Envelope e) {
        if (e == null) {
            w.raw("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
            return;
        }
        w.open().nstring(e.date()).sp().nstring(e.subject()).sp();
        addresses(w, e.from());
        w.sp();
        addresses(w, empty(e.sender()) ? e.from() : e.sender());
        w.sp();
        addresses(w, empty(e.replyTo()) ? e.from() : e.replyTo());
        w.sp();
        addresses(w, e.to());
        w.sp();
        addresses(w, e.cc());
        w.sp();
        addresses(w, e.bcc());
        w.sp().nstring(e.inReplyTo()).sp().nstring(e.messageId()).close();
    }

    /** BODYSTRUCTURE ({@code extensible}) or BODY (not). */
    public static void body(ResponseWriter w, MessageStructure s, boolean extensible) {
        part(w, s.body(), extensible);
    }

    private static boolean empty(List<Envelope.Address> list) {
        return list == null || list.isEmpty();
    }

    private static void addresses(ResponseWriter w, List<Envelope.Address> list) {
        if (empty(list)) {
            w.nil();
            return;
        }
        w.open();
        for (Envelope.Address a : list) {
            w.open().nstring(a.name()).sp().nstring(a.route()).sp().nstring(a.mailbox()).sp().nstring(a.host()).close();
        }
        w.close();
    }

    private static void part(ResponseWriter w, BodyPart p, boolean ext) {
        if (p == null) {
            emptyText(w);
            return;
        }
        if ("multipart".equalsIgnoreCase(p.type())) {
            w.open();
            if (p.parts().isEmpty()) {
                emptyText(w);
            }
            for (BodyPart child : p.parts()) {
                part(w, child, ext);
            }
            w.sp().string(upper(p.subtype(), "MIXED"));
            if (ext) {
                w.sp();
                parameters(w, p.parameters());
                w.sp();
                extensionTail(w, p);
            }
            w.close();
            return;
        }
        String type = upper(p.type(), "TEXT");
        String subtype = upper(p.subtype(), "PLAIN");
        w.open().string(type).sp().string(subtype).sp();
        parameters(w, p.parameters());
        w.sp().nstring(p.id()).sp().nstring(p.description()).sp().string(upper(p.encoding(), "7BIT")).sp()
                .number(Math.max(0, p.size()));
        if (type.equals("MESSAGE") && (subtype.equals("RFC822") || subtype.equals("GLOBAL"))) {
            w.sp();
            envelope(w, p.envelope());
            w.sp();
            part(w, p.message(), ext);
            w.sp().number(Math.max(0, p.lines()));
        } else if (type.equals("TEXT")) {
            w.sp().number(Math.max(0, p.lines()));
        }
        if (ext) {
            w.sp().nstring(p.md5()).sp();
            extensionTail(w, p);
        }
        w.close();
    }

    /** body-fld-dsp SP body-fld-lang SP body-fld-loc. */
    private static void extensionTail(ResponseWriter w, BodyPart p) {
        if (p.disposition() == null) {
            w.nil();
        } else {
            w.open().string(upper(p.disposition().type(), "ATTACHMENT")).sp();
            parameters(w, p.disposition().parameters());
            w.close();
        }
        w.sp();
        if (p.language().isEmpty()) {
            w.nil();
        } else {
            w.open();
            for (int i = 0; i < p.language().size(); i++) {
                if (i > 0) {
                    w.sp();
                }
                w.string(String.valueOf(p.language().get(i)));
            }
            w.close();
        }
        w.sp().nstring(p.location());
    }

    private static void parameters(ResponseWriter w, List<BodyPart.Parameter> params) {
        if (params.isEmpty()) {
            w.nil();
            return;
        }
        w.open();
        for (int i = 0; i < params.size(); i++) {
            BodyPart.Parameter prm = params.get(i);
            if (i > 0) {
                w.sp();
            }
            w.string(upper(prm.name(), "X")).sp().string(prm.value() == null ? "" : prm.value());
        }
        w.close();
    }

    private static void emptyText(ResponseWriter w) {
        w.raw("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 0 0)");
    }

    private static String upper(String s, String dflt) {
        return s == null || s.isEmpty() ? dflt : s.toUpperCase(Locale.ROOT);
    }
}
