package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.postrider.api.message.MessageContent;

/** A stream over a byte range of a file, positioned by a seek (IMAP partial FETCH reads no more than asked). */
final class RangeStream {
    private RangeStream() {
    }

    static InputStream of(Path file, long offset, long length) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ch.position(Math.min(Math.max(0, offset), ch.size()));
            return MessageContent.limited(Channels.newInputStream(ch), length);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }
}
