package org.postrider.store.maildir;

import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A message's name that is not a regular file (a link, as mairix and notmuch make search
 * folders of; a FIFO, a directory): it is never opened, so never read nor served. Only its
 * name is told (a client may see the message).
 */
final class NotRegularFileException extends FileSystemException {
    NotRegularFileException(Path file) {
        super(file.getFileName().toString(), null, "not a regular file");
    }
}
