package org.postrider.mapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
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
import org.postrider.api.store.Envelope.Address;
import org.postrider.kit.text.EncodedWords;
import org.postrider.kit.mime.AddressParser;
import org.postrider.kit.mime.DateParser;
import org.postrider.kit.mime.Params;
import org.postrider.kit.mime.Text;

/**
 * Reads the properties of any RFC 5322 message: its headline view (sender, recipients by
 * type, subject, date, ids, importance, sensitivity), the first text/plain and text/html
 * parts that are not attachments as PR_BODY and PR_HTML, and every other leaf part as an
 * attachment row. What {@link MimeWriter} writes reads back as the properties it was written
 * from (docs/internal-protocol-properties.md says which and how).
 *
 * <p>Bounded: at most {@link Limits#maxParts()} parts and {@link Limits#maxDepth()} nested
 * multiparts are looked at, header fields are bounded, and decoded values are kept in memory
 * up to {@link Limits#maxInlineOctets()} together; a larger body or attachment becomes a
 * stream that parses the message again when it is opened, so memory does not grow with the
 * message. Malformed input never fails: what cannot be read is left out.
 */
public final class MimeReader {
    /**
     * @param maxParts         leaf parts looked at
     * @param maxDepth         nested multiparts followed
     * @param maxRecipients    recipient rows
     * @param maxInlineOctets  decoded octets kept in memory for all values together
     */
    public record Limits(int maxParts, int maxDepth, int maxRecipients, int maxInlineOctets) {
        public static final Limits DEFAULTS = new Limits(1000, 32, 1000, 4 << 20);
    }

    private final MessageContent content;
    private final Limits limits;
    private long inlineLeft;

    private MimeReader(MessageContent content, Limits limits) {
        this.content = content;
        this.limits = limits;
        this.inlineLeft = limits.maxInlineOctets();
    }

    /**
     * The properties of {@code content}. {@code envelopeRecipients} are the addresses the
     * message is delivered to: those not in To, Cc or Bcc become Bcc rows (the writer keeps
     * Bcc out of the header).
     */
    public static PropMessage read(MessageContent content, List<String> envelopeRecipients, Limits limits)
            throws IOException {
        return new MimeReader(content, limits).read(envelopeRecipients);
    }

    /** The message with its original octets as {@link PropTags#MIME_CONTENT}: what is delivered. */
    public static PropMessage withOriginal(PropMessage m, MessageContent content) {
        Blob original = blob(content);
        return new PropMessage(m.properties().with(new Property(PropTags.MIME_CONTENT,
                new PropValue.Stream(PropType.BINARY, original))), m.recipients(), m.attachments());
    }

    private PropMessage read(List<String> envelopeRecipients) throws IOException {
        List<Property> props = new ArrayList<>();
        List<RecipientRow> recipients = new ArrayList<>();
        List<AttachmentRow> attachments = new ArrayList<>();
        try (InputStream in = content.open()) {
            PartWalker w = new PartWalker(in, limits.maxParts(), limits.maxDepth());
            boolean haveBody = false;
            boolean haveHtml = false;
            for (PartWalker.Leaf leaf = w.next(); leaf != null; leaf = w.next()) {
                boolean attachment = isAttachment(leaf);
                if (!attachment && !haveBody && leaf.mimeType().equals("text/plain")) {
                    haveBody = true;
                    props.add(new Property(PropTags.BODY, text(leaf, w.body())));
                } else if (!attachment && !haveHtml && leaf.mimeType().equals("text/html")) {
                    haveHtml = true;
                    props.add(new Property(PropTags.HTML, html(leaf, w.body())));
                } else {
                    attachments.add(attachment(leaf, w.body()));
                }
            }
            headers(w.top(), props, recipients, envelopeRecipients);
        }
        props.add(Property.of(PropTags.MESSAGE_CLASS, PropTags.IPM_NOTE));
        return new PropMessage(PropertySet.of(props), recipients, attachments);
    }

    private static boolean isAttachment(PartWalker.Leaf leaf) {
        String disposition = leaf.field("content-disposition");
        if (disposition != null && Params.parse(disposition).value().equalsIgnoreCase("attachment")) {
            return true;
        }
        return fileName(leaf) != null;
    }

    private static String fileName(PartWalker.Leaf leaf) {
        String disposition = leaf.field("content-disposition");
        String name = disposition == null ? null : Params.parse(disposition).get("filename");
        if (name == null) {
            String type = leaf.field("content-type");
            name = type == null ? null : Params.parse(type).get("name");
        }
        return name == null || name.isEmpty() ? null : EncodedWords.decode(name);
    }

    private AttachmentRow attachment(PartWalker.Leaf leaf, InputStream body) throws IOException {
        List<Property> p = new ArrayList<>(5);
        p.add(new Property(PropTags.ATTACH_DATA_BIN, value(leaf, body, PropType.BINARY, null)));
        p.add(Property.of(PropTags.ATTACH_METHOD, PropTags.ATTACH_BY_VALUE));
        String name = fileName(leaf);
        if (name != null) {
            p.add(Property.of(PropTags.ATTACH_LONG_FILENAME, name));
        }
        p.add(Property.of(PropTags.ATTACH_MIME_TAG, leaf.mimeType()));
        String cid = leaf.field("content-id");
        if (cid != null) {
            cid = trimWsp(cid);
            if (cid.startsWith("<") && cid.endsWith(">") && cid.length() > 2) {
                cid = cid.substring(1, cid.length() - 1);
            }
            if (!cid.isEmpty()) {
                p.add(Property.of(PropTags.ATTACH_CONTENT_ID, cid));
            }
        }
        return new AttachmentRow(PropertySet.of(p));
    }

    /** The text as inline text when it fits what is left of the memory budget, else a stream of UTF-8. */
    private PropValue text(PartWalker.Leaf leaf, InputStream body) throws IOException {
        return value(leaf, body, PropType.UNICODE, charset(leaf));
    }

    /** HTML as it is when it says UTF-8 or ASCII (so octets written come back unchanged), else converted to UTF-8. */
    private PropValue html(PartWalker.Leaf leaf, InputStream body) throws IOException {
        Charset cs = charset(leaf);
        return value(leaf, body, PropType.BINARY,
                cs == StandardCharsets.UTF_8 || cs == StandardCharsets.US_ASCII ? null : cs);
    }

    /**
     * A part's decoded octets (converted from {@code charset} to UTF-8 when it is not null):
     * kept inline while the budget lasts, else counted and left as a stream that parses again.
     */
    private PropValue value(PartWalker.Leaf leaf, InputStream body, PropType type, Charset charset) throws IOException {
        InputStream in = charset == null ? body : new Utf8Encoding(new InputStreamReader(body, charset));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
            if (total + n <= inlineLeft && total + n <= PropValue.MAX_INLINE_OCTETS) {
                kept.write(buf, 0, n);
            } else if (kept.size() > 0) {
                kept = new ByteArrayOutputStream(0); // over the budget: count only
            }
            total += n;
        }
        if (total <= inlineLeft && total <= PropValue.MAX_INLINE_OCTETS) {
            inlineLeft -= total;
            byte[] b = kept.toByteArray();
            return type == PropType.BINARY ? new PropValue.Bytes(b) : new PropValue.Text(new String(b, StandardCharsets.UTF_8));
        }
        return new PropValue.Stream(type, new PartBlob(leaf.index(), total, charset));
    }

    /** A part's decoded octets, found again by a second walk each time it is opened. */
    private final class PartBlob implements Blob {
        private final int index;
        private final long size;
        private final Charset charset;

        PartBlob(int index, long size, Charset charset) {
            this.index = index;
            this.size = size;
            this.charset = charset;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public InputStream open() throws IOException {
            InputStream in = content.open();
            try {
                PartWalker w = new PartWalker(in, limits.maxParts(), limits.maxDepth());
                for (PartWalker.Leaf leaf = w.next(); leaf != null; leaf = w.next()) {
                    if (leaf.index() == index) {
                        InputStream body = w.body();
                        InputStream decoded = charset == null ? body : new Utf8Encoding(new InputStreamReader(body, charset));
                        return MessageContent.limited(new java.io.FilterInputStream(decoded) {
                            @Override
                            public void close() throws IOException {
                                in.close();
                            }
                        }, size);
                    }
                }
                throw new IOException("part " + index + " is no longer in the message");
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }
    }

    private void headers(List<String[]> fields, List<Property> props, List<RecipientRow> recipients,
            List<String> envelope) {
        String subject = null;
        String date = null;
        String messageId = null;
        String inReplyTo = null;
        String references = null;
        String importance = null;
        String priority = null;
        String sensitivity = null;
        boolean from = false;
        List<RecipientRow> to = new ArrayList<>();
        List<RecipientRow> cc = new ArrayList<>();
        List<RecipientRow> bcc = new ArrayList<>();
        for (String[] f : fields) {
            String v = f[1];
            switch (f[0]) {
                case "from" -> {
                    if (!from) {
                        for (Address a : AddressParser.parse(v)) {
                            String addr = address(a);
                            if (addr != null) {
                                props.add(Property.of(PropTags.SENDER_EMAIL_ADDRESS, addr));
                                String name = name(a);
                                if (name != null) {
                                    props.add(Property.of(PropTags.SENDER_NAME, name));
                                }
                                from = true;
                                break;
                            }
                        }
                    }
                }
                case "to" -> rows(v, PropTags.MAPI_TO, to, to.size() + cc.size() + bcc.size());
                case "cc" -> rows(v, PropTags.MAPI_CC, cc, to.size() + cc.size() + bcc.size());
                case "bcc" -> rows(v, PropTags.MAPI_BCC, bcc, to.size() + cc.size() + bcc.size());
                case "subject" -> subject = subject != null ? subject : v;
                case "date" -> date = date != null ? date : v;
                case "message-id" -> messageId = messageId != null ? messageId : v;
                case "in-reply-to" -> inReplyTo = inReplyTo != null ? inReplyTo : v;
                case "references" -> references = references != null ? references : v;
                case "importance" -> importance = importance != null ? importance : v;
                case "x-priority" -> priority = priority != null ? priority : v;
                case "sensitivity" -> sensitivity = sensitivity != null ? sensitivity : v;
                default -> {
                }
            }
        }
        recipients.addAll(to);
        recipients.addAll(cc);
        recipients.addAll(bcc);
        List<MailAddress> seen = new ArrayList<>();
        for (RecipientRow r : recipients) {
            seen.add(parse(r.address()));
        }
        for (String e : envelope) {
            MailAddress a = parse(e);
            if (a != null && !seen.contains(a) && recipients.size() < limits.maxRecipients()) {
                seen.add(a);
                recipients.add(RecipientRow.of(PropTags.MAPI_BCC, e, null));
            }
        }
        if (subject != null) {
            props.add(Property.of(PropTags.SUBJECT, EncodedWords.decode(trimWsp(subject))));
        }
        if (date != null) {
            Instant t = DateParser.parse(trimWsp(date));
            if (t != null && !t.isBefore(PropValue.Time.EPOCH)) {
                props.add(new Property(PropTags.CLIENT_SUBMIT_TIME, new PropValue.Time(t)));
            }
        }
        id(props, PropTags.INTERNET_MESSAGE_ID, messageId);
        id(props, PropTags.IN_REPLY_TO_ID, inReplyTo);
        id(props, PropTags.INTERNET_REFERENCES, references);
        Integer imp = importance != null ? importance(trimWsp(importance)) : priority != null ? priority(trimWsp(priority)) : null;
        if (imp != null) {
            props.add(Property.of(PropTags.IMPORTANCE, imp));
        }
        if (sensitivity != null) {
            Integer s = switch (trimWsp(sensitivity).toLowerCase(Locale.ROOT)) {
                case "personal" -> PropTags.SENSITIVITY_PERSONAL;
                case "private" -> PropTags.SENSITIVITY_PRIVATE;
                case "company-confidential" -> PropTags.SENSITIVITY_CONFIDENTIAL;
                default -> null;
            };
            if (s != null) {
                props.add(Property.of(PropTags.SENSITIVITY, s));
            }
        }
    }

    /** Adds the field's mailboxes to {@code out}, while all rows together ({@code count} now) stay within the bound. */
    private void rows(String value, int type, List<RecipientRow> out, int count) {
        int others = count - out.size();
        for (Address a : AddressParser.parse(value)) {
            if (others + out.size() >= limits.maxRecipients()) {
                return;
            }
            String addr = address(a);
            if (addr != null) {
                out.add(RecipientRow.of(type, addr, name(a)));
            }
        }
    }

    /** Message ids cleaned as the writer writes them, so they survive a second trip. */
    private static void id(List<Property> props, PropTag tag, String v) {
        String clean = v == null ? "" : HeaderWriter.cleanIds(v);
        if (!clean.isEmpty()) {
            props.add(Property.of(tag, clean));
        }
    }

    private static Integer importance(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "low" -> PropTags.IMPORTANCE_LOW;
            case "normal" -> PropTags.IMPORTANCE_NORMAL;
            case "high" -> PropTags.IMPORTANCE_HIGH;
            default -> null;
        };
    }

    /** X-Priority: 1 and 2 high, 3 normal, 4 and 5 low (the number first, a comment may follow). */
    private static Integer priority(String v) {
        return v.isEmpty() ? null : switch (v.charAt(0)) {
            case '1', '2' -> PropTags.IMPORTANCE_HIGH;
            case '3' -> PropTags.IMPORTANCE_NORMAL;
            case '4', '5' -> PropTags.IMPORTANCE_LOW;
            default -> null;
        };
    }

    /** The address of a parsed mailbox when it is one an envelope could carry, else null. */
    private static String address(Address a) {
        if (a.mailbox() == null || a.host() == null || a.host().isEmpty()) {
            return null;
        }
        String s = a.mailbox() + "@" + a.host();
        return parse(s) != null ? s : null;
    }

    private static String name(Address a) {
        if (a.name() == null) {
            return null;
        }
        String n = EncodedWords.decode(a.name());
        return n.isEmpty() ? null : n;
    }

    private static MailAddress parse(String s) {
        try {
            return MailAddress.parse(s);
        } catch (InvalidAddressException e) {
            return null;
        }
    }

    /** A part's charset; none, us-ascii and unknown ones read as UTF-8, which 8-bit mail mislabelled often is. */
    private static Charset charset(PartWalker.Leaf leaf) {
        Charset cs = Text.charset(leaf.charset());
        return cs == null || cs == StandardCharsets.US_ASCII ? StandardCharsets.UTF_8 : cs;
    }

    private static String trimWsp(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    private static Blob blob(MessageContent c) {
        return new Blob() {
            @Override
            public long size() {
                return c.size();
            }

            @Override
            public InputStream open() throws IOException {
                return c.open();
            }
        };
    }

    /** A reader's text as UTF-8 octets, streamed. */
    private static final class Utf8Encoding extends InputStream {
        private final Reader reader;
        private final char[] chars = new char[4096];
        private byte[] bytes = new byte[0];
        private int pos;
        private int pendingHigh = -1;

        Utf8Encoding(Reader reader) {
            this.reader = reader;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos >= bytes.length) {
                int n = reader.read(chars);
                if (n < 0) {
                    if (pendingHigh >= 0) {
                        bytes = "\uFFFD".getBytes(StandardCharsets.UTF_8);
                        pendingHigh = -1;
                        pos = 0;
                        break;
                    }
                    return -1;
                }
                StringBuilder sb = new StringBuilder(n + 1);
                if (pendingHigh >= 0) {
                    sb.append((char) pendingHigh);
                    pendingHigh = -1;
                }
                sb.append(chars, 0, n);
                if (sb.length() > 0 && Character.isHighSurrogate(sb.charAt(sb.length() - 1))) {
                    pendingHigh = sb.charAt(sb.length() - 1); // its low half comes with the next read
                    sb.setLength(sb.length() - 1);
                }
                bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                pos = 0;
            }
            int n = Math.min(len, bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
