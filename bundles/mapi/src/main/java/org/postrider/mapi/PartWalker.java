package org.postrider.mapi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.BodyDescriptorBuilder;
import org.apache.james.mime4j.stream.DefaultFieldBuilder;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.apache.james.mime4j.stream.RecursionMode;
import org.postrider.kit.mime.Params;
import org.postrider.kit.mime.Text;

/**
 * The leaf parts of a message in order, through mime4j's token stream, within bounds: at
 * most {@code maxParts} leaves and {@code maxDepth} nested multiparts, header lines and fields
 * bounded; past a bound, or at a structure mime4j refuses, the walk ends (what was found is
 * kept). Deterministic, so a second walk over the same octets finds leaf {@code i} again. A
 * message/rfc822 part is a leaf (not entered). Each body is drained before the next step, so
 * a long body line never meets mime4j's line bound.
 */
final class PartWalker {
    /** One leaf: its header fields (name lower case, value unfolded) and its type. */
    record Leaf(int index, List<String[]> fields, String mimeType, String charset, String encoding) {
        String field(String name) {
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    return f[1];
                }
            }
            return null;
        }
    }

    private static final int MAX_HEADER_FIELDS = 1000;
    private static final int MAX_FIELD_OCTETS = 64 * 1024;
    /** Field octets kept for one entity: only the fields read below are kept at all. */
    private static final int MAX_KEPT_OCTETS = 256 * 1024;
    private static final java.util.Set<String> KEPT = java.util.Set.of("from", "to", "cc", "bcc", "subject", "date",
            "message-id", "in-reply-to", "references", "importance", "x-priority", "sensitivity", "content-type",
            "content-disposition", "content-id");

    private final MimeTokenStream ts;
    private final int maxParts;
    private final int maxDepth;
    private int depth;
    private int leaves;
    private boolean ended;
    private boolean pending; // a body to drain before the next step
    private List<String[]> fields = new ArrayList<>();
    private List<String[]> top;
    private int kept;

    PartWalker(InputStream in, int maxParts, int maxDepth) {
        MimeConfig config = MimeConfig.custom().setMaxLineLen(MAX_FIELD_OCTETS).setMaxHeaderLen(MAX_FIELD_OCTETS)
                .setMaxHeaderCount(MAX_HEADER_FIELDS).setStrictParsing(false).build();
        ts = new MimeTokenStream(config, DecodeMonitor.SILENT, new AsciiFieldNames(MAX_FIELD_OCTETS), new Descriptors(null));
        ts.setRecursionMode(RecursionMode.M_NO_RECURSE);
        ts.parse(in);
        this.maxParts = maxParts;
        this.maxDepth = maxDepth;
    }

    /** The message's own header fields, once {@link #next()} has been called. */
    List<String[]> top() {
        return top != null ? top : fields;
    }

    /** The next leaf, or null at the end (or at a bound). */
    Leaf next() throws IOException {
        try {
            if (pending) {
                pending = false;
                drain(ts.getInputStream());
                ts.next();
            }
            for (EntityState s = ts.getState(); !ended; s = ts.next()) {
                switch (s) {
                    case T_START_HEADER -> {
                        fields = new ArrayList<>();
                        kept = 0;
                    }
                    case T_FIELD -> {
                        Field f = ts.getField();
                        int size = f.getRaw() != null ? f.getRaw().length() : 0;
                        if (KEPT.contains(f.getName().toLowerCase(Locale.ROOT).strip()) && kept + size <= MAX_KEPT_OCTETS) {
                            kept += size;
                            fields.add(field(f));
                        }
                    }
                    case T_END_HEADER -> {
                        if (top == null) {
                            top = fields;
                        }
                    }
                    case T_START_MULTIPART -> {
                        if (++depth > maxDepth) {
                            ended = true;
                        }
                    }
                    case T_END_MULTIPART -> depth--;
                    case T_PREAMBLE, T_EPILOGUE -> drain(ts.getInputStream());
                    case T_BODY -> {
                        if (leaves >= maxParts) {
                            ended = true;
                            break;
                        }
                        pending = true;
                        BodyDescriptor bd = ts.getBodyDescriptor();
                        return new Leaf(leaves++, fields, bd.getMimeType().toLowerCase(Locale.ROOT),
                                bd.getCharset(), bd.getTransferEncoding());
                    }
                    case T_END_OF_STREAM -> ended = true;
                    default -> {
                    }
                }
                if (ended) {
                    break;
                }
            }
        } catch (MimeException e) {
            ended = true; // a structure mime4j refuses: the walk ends, what was found stays
        }
        return null;
    }

    /** The transfer-decoded body of the leaf just returned; valid until the next step. */
    InputStream body() {
        InputStream raw = ts.getInputStream();
        String enc = ts.getBodyDescriptor().getTransferEncoding();
        return switch (enc == null ? "" : enc.toLowerCase(Locale.ROOT)) {
            case "base64" -> new NoEmptyReads(new Base64InputStream(raw, DecodeMonitor.SILENT));
            case "quoted-printable" -> new NoEmptyReads(new QuotedPrintableInputStream(raw, DecodeMonitor.SILENT));
            default -> raw;
        };
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[8192];
        while (in.read(buf) >= 0) {
            // skip
        }
    }

    /** Name in lower case and the value after the colon, as text (UTF-8 when valid, else Latin-1), unfolded. */
    private static String[] field(Field f) {
        byte[] raw = f.getRaw() != null ? f.getRaw().toByteArray() : (f.getName() + ":" + f.getBody()).getBytes(StandardCharsets.UTF_8);
        int colon = 0;
        while (colon < raw.length && raw[colon] != ':') {
            colon++;
        }
        String value = colon < raw.length ? Text.decode(raw, colon + 1, raw.length - colon - 1) : "";
        StringBuilder unfolded = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\r' && c != '\n') {
                unfolded.append(c);
            }
        }
        return new String[] {f.getName().toLowerCase(Locale.ROOT).strip(), unfolded.toString()};
    }

    /**
     * mime4j's Base64InputStream answers 0 octets to a read that meets a pad with no whole octet
     * before it (store-maildir's TextSearch found it): a read here answers 0 only when asked for
     * 0, and a decoder that keeps answering 0 has ended.
     */
    private static final class NoEmptyReads extends java.io.FilterInputStream {
        private static final int MAX_EMPTY = 16;

        NoEmptyReads(InputStream in) {
            super(in);
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
            for (int i = 0; i < MAX_EMPTY; i++) {
                int n = in.read(b, off, len);
                if (n != 0) {
                    return n;
                }
            }
            return -1;
        }
    }

    /**
     * Content-Type and Content-Transfer-Encoding read from the raw field octets here: mime4j's
     * own builder decodes field bodies through commons-io, which this library does not ship.
     * Defaults as RFC 2045 and 2046 5.1.5 say (text/plain; us-ascii, message/rfc822 in a digest).
     */
    private static final class Descriptors implements BodyDescriptorBuilder {
        private final String parentType;
        private String type;
        private String boundary;
        private String charset;
        private String encoding;

        Descriptors(String parentType) {
            this.parentType = parentType;
        }

        @Override
        public void reset() {
            type = null;
            boundary = null;
            charset = null;
            encoding = null;
        }

        @Override
        public org.apache.james.mime4j.stream.Field addField(RawField f) {
            String name = f.getNameLowerCase();
            if (name.equals("content-transfer-encoding") && encoding == null) {
                String v = field(f)[1].strip().toLowerCase(Locale.ROOT);
                encoding = v.isEmpty() ? null : v;
            } else if (name.equals("content-type") && type == null) {
                Params p = Params.parse(field(f)[1]);
                String t = p.value().strip().toLowerCase(Locale.ROOT);
                int slash = t.indexOf('/');
                if (slash > 0 && slash < t.length() - 1 && t.indexOf(' ') < 0) {
                    String b = p.get("boundary");
                    if (!t.startsWith("multipart/") || (b != null && !b.isEmpty() && b.length() <= 70)) {
                        type = t;
                        boundary = t.startsWith("multipart/") ? b : null;
                    }
                }
                charset = p.get("charset");
            }
            return null;
        }

        @Override
        public BodyDescriptor build() {
            String t = type != null ? type : "multipart/digest".equals(parentType) ? "message/rfc822" : "text/plain";
            String cs = charset == null && t.startsWith("text/") ? "us-ascii" : charset;
            String b = boundary;
            String enc = encoding != null ? encoding : "7bit";
            int slash = t.indexOf('/');
            return new BodyDescriptor() {
                @Override
                public String getBoundary() {
                    return b;
                }

                @Override
                public String getMimeType() {
                    return t;
                }

                @Override
                public String getMediaType() {
                    return t.substring(0, slash);
                }

                @Override
                public String getSubType() {
                    return t.substring(slash + 1);
                }

                @Override
                public String getCharset() {
                    return cs;
                }

                @Override
                public String getTransferEncoding() {
                    return enc;
                }

                @Override
                public long getContentLength() {
                    return -1;
                }
            };
        }

        @Override
        public BodyDescriptorBuilder newChild() {
            return new Descriptors(type);
        }
    }

    /**
     * mime4j's field builder, refusing (so the token stream skips) a field whose name holds a
     * non-ASCII octet before mime4j's parser decodes it through commons-io, which this library
     * does not ship (found by MimeReaderFuzzTest). Such a name is not a field name anyway.
     */
    private static final class AsciiFieldNames extends DefaultFieldBuilder {
        AsciiFieldNames(int maxLength) {
            super(maxLength);
        }

        @Override
        public RawField build() throws MimeException {
            var raw = getRaw();
            for (int i = 0; i < raw.length(); i++) {
                byte b = raw.byteAt(i);
                if (b == ':') {
                    break;
                }
                if (b < 0) {
                    throw new MimeException("a field name with a non-ASCII octet");
                }
            }
            return super.build();
        }
    }
}
