package org.postrider.api.message;

import java.io.IOException;
import java.io.InputStream;

/**
 * The RFC 5322 text of a message (CRLF line ends, not dot-stuffed), read as a stream and
 * never forced into memory: a spool or store file behind it is opened on each call.
 */
public interface MessageContent {
    /** The size in octets. */
    long size();

    /** A fresh stream over the whole content; the caller closes it. */
    InputStream open() throws IOException;
}
