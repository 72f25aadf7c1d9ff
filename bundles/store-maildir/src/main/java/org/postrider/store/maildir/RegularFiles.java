package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one way a message file is opened: only a regular file, never through a link. A name
 * is stat'ed without following a link and opened only if it is a regular file, so a FIFO
 * there cannot block the open, nor a link make the server read a device or another user's
 * file; the open does not follow a link either.
 *
 * <p>What stays: Java opens no file without blocking on a FIFO (there is no O_NONBLOCK), so
 * a FIFO put in the name's place in the microseconds between the stat and the open blocks
 * the open until a writer opens it. The open after the check then finds it: the channel is
 * checked to be seekable (a FIFO is not), so a FIFO is never read as a message. To keep that
 * wait off a folder's lock, files are opened to be served outside it ({@link StoredContent},
 * {@link MessageFile}); the opens under a lock (a size counted under it, a reconcile's new
 * files, a copy's fallback where hard links fail) keep that window.
 */
final class RegularFiles {
    private RegularFiles() {
    }

    /** Opens a regular file to read, not following a link; else {@link NotRegularFileException}. */
    static FileChannel open(Path file) throws IOException {
        return open(file, Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    }

    /** As {@link #open(Path)}, with the attributes of {@code file} stat'ed without following a link. */
    static FileChannel open(Path file, BasicFileAttributes stat) throws IOException {
        if (!stat.isRegularFile()) {
            throw new NotRegularFileException(file);
        }
        MaildirFolder.step.at("file-checked");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            ch.position(0); // a FIFO put there since the stat cannot seek (ESPIPE)
        } catch (IOException e) {
            ch.close();
            throw new NotRegularFileException(file);
        }
        return ch;
    }
}
