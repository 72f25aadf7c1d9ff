package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;

/** Structures from the mime package (mime4j). */
final class MimeStructures implements Structures {
    @Override
    public MessageStructure parse(InputStream message) throws IOException {
        throw new IOException("not yet wired");
    }

    @Override
    public byte[] encode(MessageStructure s) {
        throw new UnsupportedOperationException();
    }

    @Override
    public MessageStructure decode(byte[] data) throws IOException {
        throw new IOException("not yet wired");
    }

    @Override
    public boolean headerMatches(MessageStructure s, SearchKey.Header key) {
        return false;
    }

    @Override
    public boolean textMatches(InputStream message, MessageStructure s, String text, boolean withHeader) {
        return false;
    }
}
