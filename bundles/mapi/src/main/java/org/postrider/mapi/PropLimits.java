package org.postrider.mapi;

import org.postrider.api.props.PropValue;
import org.postrider.api.props.PropertySet;

/**
 * The bounds the codec holds a property set to, checked before anything is allocated for a
 * value: what the encoder refuses to write, the decoder refuses to read.
 *
 * @param maxProperties   properties in one set (the message's or one row's)
 * @param maxValueOctets  octets of one inline text (UTF-8) or binary value, or one element of a multi-value
 * @param maxValues       elements of one multi-valued value
 * @param maxRows         rows of the recipient table, and of the attachment table
 * @param maxOctets       octets of the encoded message without its streams
 * @param maxStreams      stream-valued properties in the message
 * @param maxStreamOctets the stream lengths together
 */
public record PropLimits(int maxProperties, int maxValueOctets, int maxValues, int maxRows, int maxOctets,
        int maxStreams, long maxStreamOctets) {
    /** 1024 properties, 1 MiB values, 1024 values, 1000 rows, 16 MiB, 1000 streams of 1 GiB together. */
    public static final PropLimits DEFAULTS = new PropLimits(1024, 1 << 20, 1024, 1000, 16 << 20, 1000, 1L << 30);

    public PropLimits {
        if (maxProperties < 0 || maxProperties > PropertySet.MAX_PROPERTIES) {
            throw new IllegalArgumentException("maxProperties 0 to " + PropertySet.MAX_PROPERTIES);
        }
        if (maxValueOctets < 0 || maxValueOctets > PropValue.MAX_INLINE_OCTETS) {
            throw new IllegalArgumentException("maxValueOctets 0 to " + PropValue.MAX_INLINE_OCTETS);
        }
        if (maxValues < 0 || maxValues > PropValue.MAX_VALUES) {
            throw new IllegalArgumentException("maxValues 0 to " + PropValue.MAX_VALUES);
        }
        if (maxRows < 0 || maxRows > org.postrider.api.props.PropMessage.MAX_ROWS) {
            throw new IllegalArgumentException("maxRows 0 to " + org.postrider.api.props.PropMessage.MAX_ROWS);
        }
        if (maxOctets < PropCodec.HEADER_OCTETS + PropCodec.MIN_BODY_OCTETS || maxStreams < 0 || maxStreamOctets < 0) {
            throw new IllegalArgumentException("negative or too small a limit");
        }
    }
}
