package org.postrider.api.message;

import java.util.Arrays;

/**
 * A message's typed property set, kept with its envelope: the octets of the {@code mapi}
 * codec (docs/internal-protocol-properties.md), carried opaquely by the queue and by the
 * internal transport so that the next server of the organisation has the properties that
 * have no MIME form. Stream values (bodies, attachment data) are references by index and
 * length only: their octets are in the message content, as MIME, never kept twice.
 * Immutable; equality is by content.
 */
public final class TypedProperties {
    /** The most octets kept with an envelope: one server link frame (the spool header holds it as one line). */
    public static final int MAX_OCTETS = 1 << 20;

    private final byte[] octets;

    private TypedProperties(byte[] octets) {
        this.octets = octets;
    }

    /** A copy of these octets; an exception when they are empty or over {@link #MAX_OCTETS}. */
    public static TypedProperties of(byte[] octets) {
        if (octets.length == 0 || octets.length > MAX_OCTETS) {
            throw new IllegalArgumentException("a property set of " + octets.length + " octets (1 to " + MAX_OCTETS
                    + ")");
        }
        return new TypedProperties(octets.clone());
    }

    /** A copy of the encoded set. */
    public byte[] octets() {
        return octets.clone();
    }

    public int size() {
        return octets.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TypedProperties t && Arrays.equals(t.octets, octets);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(octets);
    }

    @Override
    public String toString() {
        return "TypedProperties[" + octets.length + " octets]";
    }
}
