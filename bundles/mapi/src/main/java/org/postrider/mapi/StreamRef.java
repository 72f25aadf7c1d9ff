package org.postrider.mapi;

import java.io.IOException;
import java.io.InputStream;
import org.postrider.api.props.Blob;

/**
 * A stream-valued property as the decoder reads it: its index among the message's streams
 * and its length. Its octets travel after the property set; {@link Decoded#bind} puts the
 * received blobs in place. Opening an unbound reference fails.
 */
public record StreamRef(int index, long size) implements Blob {
    @Override
    public InputStream open() throws IOException {
        throw new IOException("stream " + index + " has not been received");
    }
}
