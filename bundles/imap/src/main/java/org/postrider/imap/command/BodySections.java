package org.postrider.imap.command;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Function;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;
import org.postrider.imap.parse.FetchItem;

/**
 * Where the octets of a FETCH body item lie in a message (RFC 9051 6.4.5): by the structure's
 * byte offsets, so a part or a range is read without the rest of the file; HEADER.FIELDS
 * filtered and BINARY decoded as they stream, counted by a first pass before the literal is
 * announced and sent by a second.
 */
final class BodySections {
    private BodySections() {
    }

    /** A Content-Transfer-Encoding BINARY cannot decode (RFC 3516: NO [UNKNOWN-CTE]). */
    static final class UnknownCte extends Exception {
        private static final long serialVersionUID = 1L;

        UnknownCte(String encoding) {
            super("cannot decode the Content-Transfer-Encoding "
                    + (encoding.length() > 64 ? encoding.substring(0, 64) : encoding).replaceAll("[^\\x21-\\x7e]", "?"));
        }
    }

    /** BODY[section]: {@code content} may be null (expunged meanwhile), {@code st} null when the store has none. */
    static Octets section(MessageContent content, MessageStructure st, FetchItem.Section sec) {
        int[] path = sec.part().stream().mapToInt(Integer::intValue).toArray();
        if (st == null) {
            return path.length == 0 && sec.kind() == FetchItem.Section.Kind.WHOLE ? whole(content) : Octets.EMPTY;
        }
        BodyPart p = path.length == 0 ? null : st.part(path);
        if (path.length > 0 && p == null) {
            return Octets.EMPTY;
        }
        // The message whose HEADER or TEXT is asked for: the top one, or the one a message/rfc822 part holds.
        BodyPart msg = path.length == 0 ? st.body() : p.message();
        return switch (sec.kind()) {
            case WHOLE -> path.length == 0 ? whole(content) : Octets.Range.of(content, p.bodyOffset(), p.size());
            case MIME -> Octets.Range.of(content, p.headerOffset(), p.bodyOffset() - p.headerOffset());
            case HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT -> {
                if (msg == null) {
                    yield Octets.EMPTY;
                }
                long start = path.length == 0 ? 0 : msg.headerOffset();
                Octets h = Octets.Range.of(content, start, msg.bodyOffset() - start);
                yield sec.kind() == FetchItem.Section.Kind.HEADER ? h
                        : new Transformed(h, out -> HeaderFields.filtering(out, sec.fields(),
                                sec.kind() == FetchItem.Section.Kind.HEADER_FIELDS_NOT));
            }
            case TEXT -> msg == null ? Octets.EMPTY : Octets.Range.of(content, msg.bodyOffset(), msg.size());
        };
    }

    static Octets whole(MessageContent content) {
        return content == null ? Octets.EMPTY : Octets.Range.of(content, 0, content.size());
    }

    /** RFC822.HEADER: the top header, blank line included. */
    static Octets header(MessageContent content, MessageStructure st) {
        return st == null ? Octets.EMPTY : Octets.Range.of(content, 0, st.body().bodyOffset());
    }

    /** RFC822.TEXT: the top body. */
    static Octets text(MessageContent content, MessageStructure st) {
        return st == null || content == null ? Octets.EMPTY
                : Octets.Range.of(content, st.body().bodyOffset(), content.size() - st.body().bodyOffset());
    }

    /**
     * BINARY[part]: a leaf part's body with its Content-Transfer-Encoding undone; the whole
     * message, a multipart or a message/rfc822 part as they are (their encoding can only be an
     * identity, RFC 2045 6.4), as is a part in 7bit, 8bit or binary: those are read by their
     * offsets, a partial of them only its range.
     */
    static Octets binary(MessageContent content, MessageStructure st, List<Integer> part) throws UnknownCte {
        if (part.isEmpty()) {
            return whole(content);
        }
        BodyPart p = st == null ? null : st.part(part.stream().mapToInt(Integer::intValue).toArray());
        if (p == null) {
            return Octets.EMPTY;
        }
        Octets body = Octets.Range.of(content, p.bodyOffset(), p.size());
        String encoding = p.encoding();
        if (p.multipart() || p.message() != null || TransferDecoding.identity(encoding)) {
            return body; // a partial of it read by its offset, as for BODY[]
        }
        if (TransferDecoding.decoder(encoding, OutputStream.nullOutputStream()) == null) {
            throw new UnknownCte(encoding);
        }
        return new Transformed(body, out -> TransferDecoding.decoder(encoding, out));
    }

    /**
     * Octets through a filter: counted (and searched for NUL) by a first pass, kept as a count
     * only, then filtered again when sent. Twice the reading, never the octets in memory.
     */
    static final class Transformed implements Octets {
        private final Octets source;
        private final Function<OutputStream, OutputStream> filter;
        private Octets.Counter counted;

        Transformed(Octets source, Function<OutputStream, OutputStream> filter) {
            this.source = source;
            this.filter = filter;
        }

        private Octets.Counter count() throws IOException {
            if (counted == null) {
                Octets.Counter c = new Octets.Counter();
                writeTo(c);
                counted = c;
            }
            return counted;
        }

        @Override
        public long size() throws IOException {
            return count().count;
        }

        @Override
        public boolean hasNul() throws IOException {
            return count().nul;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (OutputStream f = filter.apply(out)) {
                source.writeTo(f);
            }
        }

        @Override
        public Opened open() throws IOException {
            Opened src = source.open();
            return new Opened() {
                @Override
                public void writeTo(OutputStream out) throws IOException {
                    try (OutputStream f = filter.apply(out)) {
                        src.writeTo(f);
                    }
                }

                @Override
                public void close() throws IOException {
                    src.close();
                }
            };
        }
    }
}
