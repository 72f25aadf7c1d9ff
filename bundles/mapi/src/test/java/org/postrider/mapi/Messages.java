package org.postrider.mapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.postrider.api.message.MessageContent;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTag;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.PropType;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;

/** Generated messages for the round-trip tests, and a comparison that reads streams. */
final class Messages {
    private static final String[] WORDS = {"hello", "Grüße", "Ζεύς", "日本語", "a", "=?", "\"q\"", "x\\y", "tab\there",
        "line\r\nbreak", "  lead", "trail  ", "emoji😀", "re:", "<>", "(c)", "naïve", ",;:", "="};

    private Messages() {
    }

    static String words(Random r, int max) {
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(max);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(r.nextInt(3) == 0 ? WORDS[r.nextInt(WORDS.length)] : "w" + Integer.toString(r.nextInt(100000), 36));
        }
        return b.toString();
    }

    /** A message of the properties the MIME mapping carries (docs/internal-protocol-properties.md). */
    static PropMessage mapped(Random r) {
        List<Property> p = new ArrayList<>();
        p.add(Property.of(PropTags.MESSAGE_CLASS, PropTags.IPM_NOTE));
        if (r.nextInt(8) > 0) {
            p.add(Property.of(PropTags.SUBJECT, r.nextInt(10) == 0 ? words(r, 60) : words(r, 8)));
        }
        p.add(Property.of(PropTags.SENDER_EMAIL_ADDRESS, address(r)));
        if (r.nextBoolean()) {
            p.add(Property.of(PropTags.SENDER_NAME, words(r, 4)));
        }
        if (r.nextInt(4) > 0) {
            p.add(new Property(PropTags.CLIENT_SUBMIT_TIME,
                    new PropValue.Time(Instant.ofEpochSecond(1_000_000_000L + r.nextInt(1_000_000_000)))));
        }
        if (r.nextBoolean()) {
            p.add(Property.of(PropTags.INTERNET_MESSAGE_ID, "<" + Long.toHexString(r.nextLong()) + "@example.org>"));
        }
        if (r.nextInt(3) == 0) {
            p.add(Property.of(PropTags.IN_REPLY_TO_ID, "<a" + r.nextInt(1000) + "@example.net>"));
            StringBuilder refs = new StringBuilder();
            for (int i = 0, n = 1 + r.nextInt(30); i < n; i++) {
                refs.append(i > 0 ? " " : "").append("<ref").append(r.nextInt(100000)).append("@example.net>");
            }
            p.add(Property.of(PropTags.INTERNET_REFERENCES, refs.toString()));
        }
        if (r.nextBoolean()) {
            p.add(Property.of(PropTags.IMPORTANCE, r.nextInt(3)));
        }
        if (r.nextBoolean()) {
            p.add(Property.of(PropTags.SENSITIVITY, 1 + r.nextInt(3)));
        }
        boolean body = r.nextInt(4) > 0;
        boolean html = r.nextInt(3) == 0;
        int attachments = r.nextInt(3) == 0 ? 1 + r.nextInt(4) : 0;
        if (body || (!html && attachments == 0)) {
            p.add(new Property(PropTags.BODY, bodyText(r)));
        }
        if (html) {
            byte[] h = ("<html><body><p>" + words(r, 40) + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
            p.add(new Property(PropTags.HTML, r.nextBoolean() ? new PropValue.Bytes(h)
                    : new PropValue.Stream(PropType.BINARY, Blob.of(h))));
        }
        List<RecipientRow> rows = new ArrayList<>();
        int[] counts = {1 + r.nextInt(4), r.nextInt(3), r.nextInt(3)};
        int k = 0;
        for (int type = PropTags.MAPI_TO; type <= PropTags.MAPI_BCC; type++) {
            for (int i = 0; i < counts[type - 1]; i++) {
                String name = type != PropTags.MAPI_BCC && r.nextBoolean() ? words(r, 3) : null;
                rows.add(RecipientRow.of(type, "r" + (k++) + (r.nextInt(5) == 0 ? "ü" : "") + "@example.net", name));
            }
        }
        List<AttachmentRow> atts = new ArrayList<>();
        for (int i = 0; i < attachments; i++) {
            byte[] data = new byte[r.nextInt(5) == 0 ? 0 : r.nextInt(20000)];
            r.nextBytes(data);
            String fileName = r.nextInt(4) == 0 ? null : r.nextInt(5) == 0 ? words(r, 30) + ".bin" : words(r, 3) + ".pdf";
            String type = r.nextBoolean() ? "application/pdf" : r.nextBoolean() ? "text/plain" : "image/png";
            String cid = r.nextInt(3) == 0 ? "part" + i + "." + r.nextInt(1000) + "@example.org" : null;
            atts.add(AttachmentRow.of(Blob.of(data), fileName, type, cid));
        }
        return new PropMessage(PropertySet.of(p), rows, atts);
    }

    private static PropValue bodyText(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = r.nextInt(30); i < n; i++) {
            b.append(r.nextInt(10) == 0 ? "x".repeat(r.nextInt(300)) : words(r, 15));
            b.append(r.nextInt(6) == 0 ? " \t" : "").append("\r\n");
        }
        if (r.nextBoolean()) {
            b.append("no final line break ");
        }
        String s = b.toString();
        return r.nextBoolean() ? new PropValue.Text(s)
                : new PropValue.Stream(PropType.UNICODE, Blob.of(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String address(Random r) {
        return "s" + r.nextInt(1000) + (r.nextInt(5) == 0 ? "é" : "") + "@example.org";
    }

    /** The message with every stream read into an inline value (texts as text, binaries as bytes) and rows likewise. */
    static PropMessage inline(PropMessage m) {
        return new PropMessage(inline(m.properties()),
                m.recipients().stream().map(x -> new RecipientRow(inline(x.properties()))).toList(),
                m.attachments().stream().map(x -> new AttachmentRow(inline(x.properties()))).toList());
    }

    static PropertySet inline(PropertySet s) {
        List<Property> out = new ArrayList<>();
        for (Property p : s.properties()) {
            PropValue v = p.value();
            if (v instanceof PropValue.Stream st) {
                byte[] b = read(st.blob());
                v = st.type() == PropType.UNICODE ? new PropValue.Text(new String(b, StandardCharsets.UTF_8))
                        : new PropValue.Bytes(b);
            }
            out.add(new Property(p.tag(), v));
        }
        return PropertySet.of(out);
    }

    static byte[] read(Blob b) {
        try (InputStream in = b.open()) {
            byte[] all = in.readAllBytes();
            if (all.length != b.size()) {
                throw new AssertionError("blob of " + b.size() + " gave " + all.length);
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] mime(PropMessage m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MimeWriter.write(m, out);
        return out.toByteArray();
    }

    static MessageContent content(byte[] b) {
        return MessageContent.of(b);
    }

    static PropTag tag(int id, PropType t) {
        return new PropTag(id, t);
    }
}
