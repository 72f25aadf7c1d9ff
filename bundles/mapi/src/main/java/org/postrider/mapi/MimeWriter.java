package org.postrider.mapi;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTags;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.RecipientRow;

/**
 * Writes a message's properties as an RFC 5322 / MIME message, streamed: bodies and
 * attachments are copied from their blobs 8 KiB at a time, so the memory taken does not grow
 * with their size. A message that carries {@link PropTags#MIME_CONTENT} (it arrived as MIME)
 * is written as those octets, unchanged. The mapping is in docs/internal-protocol-properties.md;
 * {@link MimeReader} reads back the same properties. Bcc recipients are never written: they
 * are in {@link #envelopeRecipients} only.
 */
public final class MimeWriter {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final Pattern MIME_TAG = Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+");
    private static final Pattern CONTENT_ID = Pattern.compile("[\\x21-\\x7E&&[^<>]]{1,900}");

    private final PropMessage m;
    private final OutputStream out;
    private final String boundaryBase;
    private int boundaries;

    private MimeWriter(PropMessage m, OutputStream out) {
        this.m = m;
        this.out = out;
        this.boundaryBase = "=_pr" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }

    /** Writes the message to {@code out} (not closed). */
    public static void write(PropMessage m, OutputStream out) throws IOException {
        Optional<PropValue> mime = m.properties().get(PropTags.MIME_CONTENT);
        if (mime.isPresent()) {
            try (InputStream in = blob(mime.get()).open()) {
                in.transferTo(out);
            }
            return;
        }
        java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 8192);
        new MimeWriter(m, buffered).message();
        buffered.flush();
    }

    /** The addresses the message goes to (To, Cc and Bcc rows), each once, in row order. */
    public static List<String> envelopeRecipients(PropMessage m) {
        Set<String> out = new LinkedHashSet<>();
        for (RecipientRow r : m.recipients()) {
            out.add(r.address());
        }
        return List.copyOf(out);
    }

    private void message() throws IOException {
        StringBuilder h = new StringBuilder(512);
        var p = m.properties();
        Optional<String> from = p.text(PropTags.SENDER_EMAIL_ADDRESS).filter(MimeWriter::validAddress);
        if (from.isPresent()) {
            h.append("From:");
            HeaderWriter.mailbox(h, 5, p.text(PropTags.SENDER_NAME).orElse(null), from.get());
            h.append("\r\n");
        }
        addresses(h, "To", PropTags.MAPI_TO);
        addresses(h, "Cc", PropTags.MAPI_CC);
        p.text(PropTags.SUBJECT).ifPresent(s -> h.append(HeaderWriter.unstructured("Subject", s)));
        p.get(PropTags.CLIENT_SUBMIT_TIME).ifPresent(
                t -> h.append("Date: ").append(DATE.format(((PropValue.Time) t).value())).append("\r\n"));
        p.text(PropTags.INTERNET_MESSAGE_ID).ifPresent(s -> h.append(HeaderWriter.ids("Message-ID", s)));
        p.text(PropTags.IN_REPLY_TO_ID).ifPresent(s -> h.append(HeaderWriter.ids("In-Reply-To", s)));
        p.text(PropTags.INTERNET_REFERENCES).ifPresent(s -> h.append(HeaderWriter.ids("References", s)));
        p.int32(PropTags.IMPORTANCE).ifPresent(i -> {
            switch (i) {
                case PropTags.IMPORTANCE_LOW -> h.append("Importance: low\r\nX-Priority: 5\r\n");
                case PropTags.IMPORTANCE_NORMAL -> h.append("Importance: normal\r\nX-Priority: 3\r\n");
                case PropTags.IMPORTANCE_HIGH -> h.append("Importance: high\r\nX-Priority: 1\r\n");
                default -> {
                }
            }
        });
        p.int32(PropTags.SENSITIVITY).ifPresent(i -> {
            switch (i) {
                case PropTags.SENSITIVITY_PERSONAL -> h.append("Sensitivity: Personal\r\n");
                case PropTags.SENSITIVITY_PRIVATE -> h.append("Sensitivity: Private\r\n");
                case PropTags.SENSITIVITY_CONFIDENTIAL -> h.append("Sensitivity: Company-Confidential\r\n");
                default -> {
                }
            }
        });
        h.append("MIME-Version: 1.0\r\n");
        text(h);
        entity(h);
        out.flush();
    }

    private void addresses(StringBuilder h, String name, int type) {
        boolean first = true;
        for (RecipientRow r : m.recipients()) {
            if (r.type() != type) {
                continue;
            }
            h.append(first ? name + ":" : ",\r\n");
            HeaderWriter.mailbox(h, first ? name.length() + 1 : 0, r.displayName().orElse(null), r.address());
            first = false;
        }
        if (!first) {
            h.append("\r\n");
        }
    }

    /** The body entity: text, alternative text and HTML, and a mixed multipart around them for attachments. */
    private void entity(StringBuilder h) throws IOException {
        Optional<PropValue> plain = m.properties().get(PropTags.BODY);
        Optional<PropValue> html = m.properties().get(PropTags.HTML);
        List<AttachmentRow> attachments = m.attachments();
        if (attachments.isEmpty()) {
            textEntity(h, plain, html);
            return;
        }
        String boundary = boundary();
        h.append("Content-Type: multipart/mixed;\r\n boundary=\"").append(boundary).append("\"\r\n\r\n");
        h.append("This is a multi-part message in MIME format.\r\n");
        text(h);
        if (plain.isPresent() || html.isPresent()) {
            h.append("--").append(boundary).append("\r\n");
            textEntity(h, plain, html);
            h.append("\r\n");
        }
        for (AttachmentRow a : attachments) {
            h.append("--").append(boundary).append("\r\n");
            attachment(h, a);
            h.append("\r\n");
        }
        h.append("--").append(boundary).append("--\r\n");
        text(h);
    }

    private void textEntity(StringBuilder h, Optional<PropValue> plain, Optional<PropValue> html) throws IOException {
        if (plain.isPresent() && html.isPresent()) {
            String boundary = boundary();
            h.append("Content-Type: multipart/alternative;\r\n boundary=\"").append(boundary).append("\"\r\n\r\n");
            h.append("--").append(boundary).append("\r\n");
            plainPart(h, plain.get());
            h.append("\r\n--").append(boundary).append("\r\n");
            htmlPart(h, html.get());
            h.append("\r\n--").append(boundary).append("--\r\n");
            text(h);
        } else if (html.isPresent()) {
            htmlPart(h, html.get());
        } else {
            plainPart(h, plain.orElse(new PropValue.Text("")));
        }
    }

    private void plainPart(StringBuilder h, PropValue body) throws IOException {
        h.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
        text(h);
        long n;
        try (InputStream in = text(body); QpTextOutputStream qp = new QpTextOutputStream(out)) {
            n = in.transferTo(qp);
        }
        if (body instanceof PropValue.Stream s && n != s.blob().size()) {
            throw new IOException("a blob gave " + n + " octets where it has " + s.blob().size());
        }
    }

    private void htmlPart(StringBuilder h, PropValue body) throws IOException {
        h.append("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        text(h);
        base64(blob(body));
    }

    private void attachment(StringBuilder h, AttachmentRow a) throws IOException {
        String type = a.mimeTag().filter(t -> MIME_TAG.matcher(t).matches()).orElse("application/octet-stream");
        Optional<String> name = a.fileName().filter(n -> !n.isEmpty());
        h.append("Content-Type: ").append(type);
        name.ifPresent(n -> HeaderWriter.parameter(h, "name", n));
        h.append("\r\nContent-Disposition: attachment");
        name.ifPresent(n -> HeaderWriter.parameter(h, "filename", n));
        h.append("\r\n");
        a.contentId().filter(c -> CONTENT_ID.matcher(c).matches())
                .ifPresent(c -> h.append("Content-ID: <").append(c).append(">\r\n"));
        h.append("Content-Transfer-Encoding: base64\r\n\r\n");
        text(h);
        base64(a.data());
    }

    /** Base64 in lines of 76, streamed, then a line break. */
    private void base64(Blob data) throws IOException {
        OutputStream shield = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the message goes on after this part
            }
        };
        long n;
        try (InputStream in = data.open(); OutputStream enc = Base64.getMimeEncoder().wrap(shield)) {
            n = in.transferTo(enc);
        }
        if (n > 0) {
            out.write('\r');
            out.write('\n');
        }
        if (n != data.size()) {
            throw new IOException("a blob gave " + n + " octets where it has " + data.size());
        }
    }

    /** Writes and empties the header text gathered so far. */
    private void text(StringBuilder h) throws IOException {
        out.write(h.toString().getBytes(StandardCharsets.UTF_8));
        h.setLength(0);
    }

    private String boundary() {
        return boundaryBase + "." + (boundaries++);
    }

    private static InputStream text(PropValue v) throws IOException {
        return v instanceof PropValue.Text t
                ? new java.io.ByteArrayInputStream(t.value().getBytes(StandardCharsets.UTF_8))
                : blob(v).open();
    }

    private static Blob blob(PropValue v) {
        return switch (v) {
            case PropValue.Stream s -> s.blob();
            case PropValue.Bytes b -> Blob.of(b.value());
            case PropValue.Text t -> Blob.of(t.value().getBytes(StandardCharsets.UTF_8));
            default -> Blob.of(new byte[0]);
        };
    }

    private static boolean validAddress(String a) {
        try {
            MailAddress.parse(a);
            return true;
        } catch (InvalidAddressException e) {
            return false;
        }
    }
}
