package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;

/** Parsing of message structure and text matching, as the folder needs them (see the mime package). */
interface Structures {
    MessageStructure parse(InputStream message) throws IOException;

    byte[] encode(MessageStructure s);

    /** The structure encoded by {@link #encode}; an IOException for anything else. */
    MessageStructure decode(byte[] data) throws IOException;

    /** Whether a header field of the structure matches a HEADER key (encoded words decoded). */
    boolean headerMatches(MessageStructure s, SearchKey.Header key);

    /** Whether the message's body (or, with {@code withHeader}, header or body) contains the text. */
    boolean textMatches(MessageContent message, MessageStructure s, String text, boolean withHeader)
            throws IOException;
}
