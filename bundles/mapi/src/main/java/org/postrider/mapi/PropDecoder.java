package org.postrider.mapi;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTag;
import org.postrider.api.props.PropType;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;
import org.postrider.mapi.PropFormatException.Code;

/**
 * Reads one encoded message (docs/internal-protocol-properties.md) from octets fed in chunks
 * of any size, without I/O, as the IMAP command parser reads commands. The header's declared
 * length is checked against {@link PropLimits#maxOctets()} before any of the body is kept, the
 * body buffer grows only as octets arrive, and every count and length is checked against its
 * limit and against the octets left before anything is allocated for it: a hostile peer gets
 * an error, never a large allocation or a loop. Work is linear in the input.
 *
 * <p>Usage: {@link #feed} until {@link #status()} is not {@code NEED_MORE}; then {@link #take()}
 * the message (the decoder is ready for the next one; unconsumed octets of the chunk belong to
 * what follows) or read {@link #error()} (the decoder stays failed: the stream is out of step).
 */
public final class PropDecoder {
    /** Where the decoder is. */
    public enum Status { NEED_MORE, COMPLETE, ERROR }

    private static final int INITIAL_BUFFER = 64 * 1024;

    private final PropLimits limits;
    private final byte[] header = new byte[PropCodec.HEADER_OCTETS];
    private int headerFill;
    private byte[] body;
    private int bodyLength = -1;
    private int bodyFill;
    private Status status = Status.NEED_MORE;
    private Decoded result;
    private PropFormatException error;

    public PropDecoder(PropLimits limits) {
        this.limits = limits;
    }

    /** Decodes exactly one message from {@code input}, which must hold nothing else. */
    public static Decoded decode(byte[] input, PropLimits limits) throws PropFormatException {
        PropDecoder d = new PropDecoder(limits);
        int used = d.feed(input, 0, input.length);
        switch (d.status()) {
            case ERROR -> throw d.error();
            case NEED_MORE -> throw new PropFormatException(Code.INCOMPLETE, "the input ends inside the message");
            default -> {
                if (used != input.length) {
                    throw new PropFormatException(Code.TRAILING, (input.length - used) + " octets after the message");
                }
                return d.take();
            }
        }
    }

    /** Feeds octets; returns how many were consumed (fewer than {@code len} once the message is complete or bad). */
    public int feed(byte[] b, int off, int len) {
        int used = 0;
        while (used < len && status == Status.NEED_MORE) {
            if (headerFill < header.length) {
                int n = Math.min(len - used, header.length - headerFill);
                System.arraycopy(b, off + used, header, headerFill, n);
                headerFill += n;
                used += n;
                if (headerFill == header.length) {
                    header();
                }
            } else {
                int n = Math.min(len - used, bodyLength - bodyFill);
                if (bodyFill + n > body.length) {
                    body = Arrays.copyOf(body, (int) Math.min(bodyLength, Math.max(bodyFill + n, 2L * body.length)));
                }
                System.arraycopy(b, off + used, body, bodyFill, n);
                bodyFill += n;
                used += n;
            }
            if (status == Status.NEED_MORE && bodyLength >= 0 && bodyFill == bodyLength) {
                parse();
            }
        }
        return used;
    }

    public Status status() {
        return status;
    }

    /** The complete message; the decoder then waits for the next one. */
    public Decoded take() {
        if (status != Status.COMPLETE) {
            throw new IllegalStateException("no complete message: " + status);
        }
        Decoded d = result;
        result = null;
        headerFill = 0;
        body = null;
        bodyLength = -1;
        bodyFill = 0;
        status = Status.NEED_MORE;
        return d;
    }

    /** Why the input was refused, once {@link #status()} is ERROR. */
    public PropFormatException error() {
        return error;
    }

    private void header() {
        for (int i = 0; i < 4; i++) {
            if (header[i] != PropCodec.MAGIC[i]) {
                fail(new PropFormatException(Code.BAD_MAGIC, "not a property set"));
                return;
            }
        }
        if (header[4] != PropCodec.VERSION) {
            fail(new PropFormatException(Code.BAD_VERSION, "version " + (header[4] & 0xFF)));
            return;
        }
        long length = (header[5] & 0xFFL) << 24 | (header[6] & 0xFF) << 16 | (header[7] & 0xFF) << 8 | header[8] & 0xFF;
        if (length + PropCodec.HEADER_OCTETS > limits.maxOctets() || length < PropCodec.MIN_BODY_OCTETS) {
            fail(new PropFormatException(Code.TOO_LARGE, "declared length " + length));
            return;
        }
        bodyLength = (int) length;
        body = new byte[Math.min(bodyLength, INITIAL_BUFFER)];
    }

    private void parse() {
        try {
            result = new Parser(body, bodyLength, limits).message();
            status = Status.COMPLETE;
        } catch (PropFormatException e) {
            fail(e);
        }
        body = null;
    }

    private void fail(PropFormatException e) {
        error = e;
        status = Status.ERROR;
        body = null;
    }

    /** One pass over a complete body. */
    private static final class Parser {
        private final byte[] b;
        private final int end;
        private final PropLimits limits;
        private int pos;
        private final List<StreamRef> streams = new ArrayList<>();
        private long streamOctets;

        Parser(byte[] b, int end, PropLimits limits) {
            this.b = b;
            this.end = end;
            this.limits = limits;
        }

        Decoded message() throws PropFormatException {
            PropertySet props = set();
            int n = rows();
            List<RecipientRow> recipients = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                PropertySet row = set();
                try {
                    recipients.add(new RecipientRow(row));
                } catch (IllegalArgumentException e) {
                    throw new PropFormatException(Code.BAD_ROW, "recipient " + i + ": " + e.getMessage());
                }
            }
            n = rows();
            List<AttachmentRow> attachments = new ArrayList<>(Math.min(n, 64));
            for (int i = 0; i < n; i++) {
                PropertySet row = set();
                try {
                    attachments.add(new AttachmentRow(row));
                } catch (IllegalArgumentException e) {
                    throw new PropFormatException(Code.BAD_ROW, "attachment " + i + ": " + e.getMessage());
                }
            }
            if (pos != end) {
                throw new PropFormatException(Code.TRAILING, (end - pos) + " octets after the attachment table");
            }
            return new Decoded(new PropMessage(props, recipients, attachments), streams);
        }

        private int rows() throws PropFormatException {
            long n = u32();
            if (n > limits.maxRows()) {
                throw new PropFormatException(Code.TOO_MANY_ROWS, n + " rows");
            }
            if (n * 4 > end - pos) { // a row is at least its count
                throw new PropFormatException(Code.TRUNCATED, n + " rows in " + (end - pos) + " octets");
            }
            return (int) n;
        }

        private PropertySet set() throws PropFormatException {
            long n = u32();
            if (n > limits.maxProperties()) {
                throw new PropFormatException(Code.TOO_MANY_PROPERTIES, n + " properties");
            }
            if (n * 5 > end - pos) { // a tag and at least one octet of value each
                throw new PropFormatException(Code.TRUNCATED, n + " properties in " + (end - pos) + " octets");
            }
            List<Property> props = new ArrayList<>((int) n);
            int lastId = 0;
            for (long i = 0; i < n; i++) {
                int tag = (int) u32();
                int id = tag >>> 16;
                PropType type = PropType.of(tag & 0xFFFF);
                if (type == null) {
                    throw new PropFormatException(Code.UNKNOWN_TYPE, String.format("type 0x%04X", tag & 0xFFFF));
                }
                if (id == 0) {
                    throw new PropFormatException(Code.BAD_ID, "property id 0");
                }
                if (id <= lastId) {
                    throw new PropFormatException(Code.BAD_ORDER, String.format("id 0x%04X after 0x%04X", id, lastId));
                }
                lastId = id;
                props.add(new Property(new PropTag(id, type), value(type)));
            }
            return PropertySet.of(props);
        }

        private PropValue value(PropType type) throws PropFormatException {
            return switch (type) {
                case LONG -> new PropValue.Int32((int) u32());
                case I8 -> new PropValue.Int64(u64());
                case BOOLEAN -> {
                    need(1);
                    int v = b[pos++];
                    if (v != 0 && v != 1) {
                        throw new PropFormatException(Code.BAD_BOOLEAN, "boolean " + v);
                    }
                    yield new PropValue.Bool(v == 1);
                }
                case SYSTIME -> time();
                case UNICODE, BINARY -> {
                    need(1);
                    int form = b[pos++];
                    if (form == PropCodec.FORM_INLINE) {
                        yield element(type);
                    }
                    if (form != PropCodec.FORM_STREAM) {
                        throw new PropFormatException(Code.BAD_FORM, "form " + form);
                    }
                    yield stream(type);
                }
                default -> multi(type);
            };
        }

        private PropValue stream(PropType type) throws PropFormatException {
            long index = u32();
            long length = u64();
            if (index != streams.size() || length < 0) {
                throw new PropFormatException(Code.BAD_STREAM, "stream " + index + " of " + length + " octets where "
                        + streams.size() + " was next");
            }
            if (streams.size() >= limits.maxStreams()) {
                throw new PropFormatException(Code.TOO_MANY_STREAMS, "over " + limits.maxStreams());
            }
            streamOctets += length; // both at most 2^63-1 octets: no overflow before the check
            if (streamOctets > limits.maxStreamOctets() || streamOctets < 0) {
                throw new PropFormatException(Code.STREAMS_TOO_LARGE, "over " + limits.maxStreamOctets() + " octets");
            }
            StreamRef ref = new StreamRef((int) index, length);
            streams.add(ref);
            return new PropValue.Stream(type, ref);
        }

        private PropValue multi(PropType type) throws PropFormatException {
            long n = u32();
            if (n > limits.maxValues()) {
                throw new PropFormatException(Code.TOO_MANY_VALUES, n + " values");
            }
            PropType single = type.single();
            int least = single == PropType.LONG || single == PropType.UNICODE || single == PropType.BINARY ? 4 : 8;
            if (n * least > end - pos) {
                throw new PropFormatException(Code.TRUNCATED, n + " values in " + (end - pos) + " octets");
            }
            List<PropValue> values = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                values.add(switch (single) {
                    case LONG -> new PropValue.Int32((int) u32());
                    case I8 -> new PropValue.Int64(u64());
                    case SYSTIME -> time();
                    default -> element(single);
                });
            }
            return new PropValue.Multi(type, values);
        }

        /** An inline text or binary: a length and the octets. */
        private PropValue element(PropType type) throws PropFormatException {
            long n = u32();
            if (n > limits.maxValueOctets()) {
                throw new PropFormatException(Code.VALUE_TOO_LONG, n + " octets");
            }
            need(n);
            int from = pos;
            pos += (int) n;
            if (type == PropType.BINARY) {
                return new PropValue.Bytes(Arrays.copyOfRange(b, from, pos));
            }
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, (int) n))
                        .toString();
                return new PropValue.Text(s);
            } catch (CharacterCodingException e) {
                throw new PropFormatException(Code.BAD_UTF8, "text at " + from);
            }
        }

        private PropValue time() throws PropFormatException {
            long ft = u64();
            if (ft < 0) {
                throw new PropFormatException(Code.BAD_TIME, "FILETIME " + ft);
            }
            return new PropValue.Time(PropCodec.instant(ft));
        }

        private void need(long n) throws PropFormatException {
            if (n > end - pos) {
                throw new PropFormatException(Code.TRUNCATED, "needs " + n + " octets, " + (end - pos) + " left");
            }
        }

        private long u32() throws PropFormatException {
            need(4);
            long v = (b[pos] & 0xFFL) << 24 | (b[pos + 1] & 0xFF) << 16 | (b[pos + 2] & 0xFF) << 8 | b[pos + 3] & 0xFF;
            pos += 4;
            return v;
        }

        private long u64() throws PropFormatException {
            return u32() << 32 | u32();
        }
    }
}
