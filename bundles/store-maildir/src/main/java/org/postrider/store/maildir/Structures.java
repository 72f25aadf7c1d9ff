package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;

/** Parsing of message structure and text matching, as the folder needs them (see the mime package). */
interface Structures {
    MessageStructure parse(InputStream message) throws IOException;

    byte[] encode(MessageStructure s);

    /** The structure encoded by {@link #encode}; an IOException for anything else. */
    MessageStructure decode(byte[] data) throws IOException;

    /** As {@link #decode(byte[])}, of {@code len} octets at {@code off}. */
    MessageStructure decode(byte[] data, int off, int len) throws IOException;

    /**
     * The Date field as written (null if there is none) and the date parsed from it, of an
     * encoded structure whose octets were checked already (a cache record's checksum).
     */
    Dates dates(byte[] data, int off, int len) throws IOException;

    record Dates(String header, java.time.Instant sent) {
    }

    /** The body of an encoded structure whose octets were checked already, without its header fields. */
    BodyPart body(byte[] data, int off, int len) throws IOException;

    /** Whether a text part of the body (decoded) contains the text: SEARCH BODY. */
    boolean bodyMatches(MessageContent message, BodyPart body, String text) throws IOException;

    /** A HEADER key made ready to match many encoded structures whose octets were checked already. */
    EncodedMatcher headerMatcher(SearchKey.Header key);

    @FunctionalInterface
    interface EncodedMatcher {
        /** Whether the encoded structure matches; an IOException if it cannot be read. */
        boolean matches(byte[] data, int off, int len) throws IOException;
    }

    /** Whether a header field of the structure matches a HEADER key (encoded words decoded). */
    boolean headerMatches(MessageStructure s, SearchKey.Header key);

    /** Whether the message's body (or, with {@code withHeader}, header or body) contains the text. */
    boolean textMatches(MessageContent message, MessageStructure s, String text, boolean withHeader)
            throws IOException;
}
