package org.postrider.mapi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.postrider.api.props.AttachmentRow;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropValue;
import org.postrider.api.props.Property;
import org.postrider.api.props.PropertySet;
import org.postrider.api.props.RecipientRow;

/**
 * Writes a message's properties in the binary layout of docs/internal-protocol-properties.md.
 * Stream values are written as references; their blobs are returned in index order for the
 * transport to send after the set. The same limits as the decoder's are checked, so a peer
 * with those limits never refuses what this writes. Deterministic: one message, one encoding.
 */
public final class PropEncoder {
    private final PropLimits limits;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final List<Blob> streams = new ArrayList<>();
    private long streamOctets;

    /** The encoding: the octets of the set, and the blobs its references stand for. */
    public record Encoded(byte[] octets, List<Blob> streams) {
        public Encoded {
            streams = List.copyOf(streams);
        }
    }

    private PropEncoder(PropLimits limits) {
        this.limits = limits;
    }

    public static Encoded encode(PropMessage m, PropLimits limits) throws PropFormatException {
        PropEncoder e = new PropEncoder(limits);
        e.set(m.properties());
        e.table(m.recipients().stream().map(RecipientRow::properties).toList());
        e.table(m.attachments().stream().map(AttachmentRow::properties).toList());
        byte[] body = e.out.toByteArray();
        if ((long) body.length + PropCodec.HEADER_OCTETS > limits.maxOctets()) {
            throw new PropFormatException(PropFormatException.Code.TOO_LARGE,
                    (body.length + PropCodec.HEADER_OCTETS) + " octets, over " + limits.maxOctets());
        }
        byte[] all = new byte[PropCodec.HEADER_OCTETS + body.length];
        System.arraycopy(PropCodec.MAGIC, 0, all, 0, 4);
        all[4] = (byte) PropCodec.VERSION;
        all[5] = (byte) (body.length >>> 24);
        all[6] = (byte) (body.length >>> 16);
        all[7] = (byte) (body.length >>> 8);
        all[8] = (byte) body.length;
        System.arraycopy(body, 0, all, PropCodec.HEADER_OCTETS, body.length);
        return new Encoded(all, e.streams);
    }

    private void table(List<PropertySet> rows) throws PropFormatException {
        if (rows.size() > limits.maxRows()) {
            throw new PropFormatException(PropFormatException.Code.TOO_MANY_ROWS, rows.size() + " rows");
        }
        u32(rows.size());
        for (PropertySet row : rows) {
            set(row);
        }
    }

    private void set(PropertySet set) throws PropFormatException {
        if (set.size() > limits.maxProperties()) {
            throw new PropFormatException(PropFormatException.Code.TOO_MANY_PROPERTIES, set.size() + " properties");
        }
        u32(set.size());
        for (Property p : set.properties()) {
            u32(p.tag().value());
            value(p.value());
        }
        if (out.size() > limits.maxOctets()) { // stop early on a huge message, not after it is all in memory
            throw new PropFormatException(PropFormatException.Code.TOO_LARGE, "over " + limits.maxOctets() + " octets");
        }
    }

    private void value(PropValue v) throws PropFormatException {
        switch (v) {
            case PropValue.Int32 i -> u32(i.value());
            case PropValue.Int64 l -> u64(l.value());
            case PropValue.Bool b -> out.write(b.value() ? 1 : 0);
            case PropValue.Time t -> u64(PropCodec.fileTime(t.value()));
            case PropValue.Text t -> {
                out.write(PropCodec.FORM_INLINE);
                octets(t.value().getBytes(StandardCharsets.UTF_8));
            }
            case PropValue.Bytes b -> {
                out.write(PropCodec.FORM_INLINE);
                octets(b.value());
            }
            case PropValue.Stream s -> {
                if (streams.size() >= limits.maxStreams()) {
                    throw new PropFormatException(PropFormatException.Code.TOO_MANY_STREAMS, "over " + limits.maxStreams());
                }
                streamOctets += s.blob().size();
                if (streamOctets > limits.maxStreamOctets()) {
                    throw new PropFormatException(PropFormatException.Code.STREAMS_TOO_LARGE,
                            "over " + limits.maxStreamOctets() + " octets");
                }
                out.write(PropCodec.FORM_STREAM);
                u32(streams.size());
                u64(s.blob().size());
                streams.add(s.blob());
            }
            case PropValue.Multi m -> {
                if (m.values().size() > limits.maxValues()) {
                    throw new PropFormatException(PropFormatException.Code.TOO_MANY_VALUES, m.values().size() + " values");
                }
                u32(m.values().size());
                for (PropValue e : m.values()) {
                    switch (e) {
                        case PropValue.Int32 i -> u32(i.value());
                        case PropValue.Int64 l -> u64(l.value());
                        case PropValue.Time t -> u64(PropCodec.fileTime(t.value()));
                        case PropValue.Text t -> octets(t.value().getBytes(StandardCharsets.UTF_8));
                        case PropValue.Bytes b -> octets(b.value());
                        default -> throw new IllegalStateException("not an element type: " + e); // Multi refuses them
                    }
                }
            }
        }
    }

    private void octets(byte[] b) throws PropFormatException {
        if (b.length > limits.maxValueOctets()) {
            throw new PropFormatException(PropFormatException.Code.VALUE_TOO_LONG, b.length + " octets");
        }
        if ((long) out.size() + b.length > limits.maxOctets()) { // before the copy, not after
            throw new PropFormatException(PropFormatException.Code.TOO_LARGE, "over " + limits.maxOctets() + " octets");
        }
        u32(b.length);
        out.writeBytes(b);
    }

    private void u32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private void u64(long v) {
        u32((int) (v >>> 32));
        u32((int) v);
    }
}
