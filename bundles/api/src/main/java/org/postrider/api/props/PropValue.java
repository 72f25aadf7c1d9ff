package org.postrider.api.props;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A property's value, of one of the {@link PropType}s. Inline values are in memory and
 * bounded ({@link #MAX_INLINE_OCTETS}); a {@link Stream} is a {@link Blob} of any length.
 */
public sealed interface PropValue {
    /** The most octets an inline text (as UTF-8) or binary value may have. */
    int MAX_INLINE_OCTETS = 16 * 1024 * 1024;
    /** The most elements of a multi-valued value. */
    int MAX_VALUES = 65535;

    /** The value's type, which its tag's type must be. */
    PropType type();

    /** PT_LONG. */
    record Int32(int value) implements PropValue {
        @Override
        public PropType type() {
            return PropType.LONG;
        }
    }

    /** PT_I8. */
    record Int64(long value) implements PropValue {
        @Override
        public PropType type() {
            return PropType.I8;
        }
    }

    /** PT_BOOLEAN. */
    record Bool(boolean value) implements PropValue {
        @Override
        public PropType type() {
            return PropType.BOOLEAN;
        }
    }

    /**
     * PT_SYSTIME: a FILETIME, so the instant is cut to whole 100 ns and must lie in FILETIME's
     * range (1601-01-01 to 30828).
     */
    record Time(Instant value) implements PropValue {
        /** 1601-01-01T00:00:00Z, FILETIME 0. */
        public static final Instant EPOCH = Instant.parse("1601-01-01T00:00:00Z");
        /** FILETIME Long.MAX_VALUE. */
        public static final Instant MAX = EPOCH.plusSeconds(Long.MAX_VALUE / 10_000_000L)
                .plusNanos(Long.MAX_VALUE % 10_000_000L * 100);

        public Time {
            Objects.requireNonNull(value, "value");
            if (value.isBefore(EPOCH) || value.isAfter(MAX)) {
                throw new IllegalArgumentException("time out of FILETIME range: " + value);
            }
            value = value.minusNanos(value.getNano() % 100);
        }

        @Override
        public PropType type() {
            return PropType.SYSTIME;
        }
    }

    /** PT_UNICODE inline: well-formed text (no unpaired surrogate), at most {@link #MAX_INLINE_OCTETS} as UTF-8. */
    record Text(String value) implements PropValue {
        public Text {
            Objects.requireNonNull(value, "value");
            if (value.length() > MAX_INLINE_OCTETS) {
                throw new IllegalArgumentException("text too long for an inline value");
            }
            long octets = 0;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    octets += 4;
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("text with an unpaired surrogate at " + i);
                } else {
                    octets += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
                }
            }
            if (octets > MAX_INLINE_OCTETS) {
                throw new IllegalArgumentException("text too long for an inline value");
            }
        }

        @Override
        public PropType type() {
            return PropType.UNICODE;
        }
    }

    /** PT_BINARY inline: at most {@link #MAX_INLINE_OCTETS}; compared by content. */
    record Bytes(byte[] value) implements PropValue {
        public Bytes {
            if (value.length > MAX_INLINE_OCTETS) {
                throw new IllegalArgumentException("binary too long for an inline value");
            }
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        /** The length without a copy. */
        public int length() {
            return value.length;
        }

        @Override
        public PropType type() {
            return PropType.BINARY;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bytes[" + (value.length <= 32 ? HexFormat.of().formatHex(value) : value.length + " octets") + "]";
        }
    }

    /**
     * A PT_UNICODE (UTF-8 octets) or PT_BINARY value of any length, as a stream. Its octets
     * are not checked here (a UTF-8 text stream is decoded leniently where it is read).
     */
    record Stream(PropType type, Blob blob) implements PropValue {
        public Stream {
            Objects.requireNonNull(blob, "blob");
            if (type != PropType.UNICODE && type != PropType.BINARY) {
                throw new IllegalArgumentException("only text and binary values stream: " + type);
            }
            if (blob.size() < 0) {
                throw new IllegalArgumentException("negative stream length");
            }
        }
    }

    /** A multi-valued value: inline elements of {@code type.single()}, at most {@link #MAX_VALUES}. */
    record Multi(PropType type, List<PropValue> values) implements PropValue {
        public Multi {
            Objects.requireNonNull(type, "type");
            if (!type.multiValued()) {
                throw new IllegalArgumentException("not a multi-valued type: " + type);
            }
            values = List.copyOf(values);
            if (values.size() > MAX_VALUES) {
                throw new IllegalArgumentException("too many values: " + values.size());
            }
            for (PropValue v : values) {
                if (v instanceof Stream || v.type() != type.single()) {
                    throw new IllegalArgumentException("an element of " + type + " cannot be " + v);
                }
            }
        }
    }
}
