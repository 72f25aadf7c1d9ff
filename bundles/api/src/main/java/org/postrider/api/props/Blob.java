package org.postrider.api.props;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Octets of known length read as a stream (a body, an attachment's data), never forced into
 * memory: a file behind it is opened on each call. Equality is identity.
 */
public interface Blob {
    /** The length in octets; {@link #open()} gives exactly that many. */
    long size();

    /** A fresh stream over the octets; the caller closes it. */
    InputStream open() throws IOException;

    /** A blob over a copy of these octets, for small values and tests. */
    static Blob of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new Blob() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }

            @Override
            public String toString() {
                return "Blob[" + copy.length + " octets]";
            }
        };
    }
}
