package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a message file is opened: only a regular file, never through a link. A name
 * is stat'ed without following a link and opened only if it is a regular file, so a FIFO
 * there cannot block the open, nor a link make the server read a device or another user's
 * file; the open does not follow a link either.
 *
 * <p>Java opens no file without blocking on a FIFO (there is no O_NONBLOCK), so a FIFO put in
 * the name's place in the microseconds between the stat and the open blocks the open until a
 * writer opens it. An open that waits is let go: after {@link #letGoAfterMillis}, and again
 * each as long, a FIFO found in the name's place is opened to read and write, which Linux
 * never blocks, and that is the writer the open waits for. The open then finds a FIFO (it
 * cannot seek) and fails, so a FIFO is never read as a message. What stays: a FIFO the server
 * may read but not write (another user's, mode 0604) cannot be let go, and its open waits
 * until a writer comes (logged at WARN). So files are opened to be served outside the
 * folder's lock ({@link StoredContent}, {@link MessageFile}), where only that call waits; the
 * opens under a lock (a size counted under it, a reconcile's new files, a copy's fallback
 * where hard links fail) hold it that long.
 */
final class RegularFiles {
    private static final Logger LOG = LoggerFactory.getLogger(RegularFiles.class);
    /** How long an open waits before a FIFO in the file's place is let go (tests make it longer). */
    static volatile long letGoAfterMillis = 1000;
    private static final ScheduledThreadPoolExecutor WATCH = watch();

    private RegularFiles() {
    }

    private static ScheduledThreadPoolExecutor watch() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postrider-fifo-watch");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true); // an open that ends leaves nothing queued
        w.setKeepAliveTime(10, TimeUnit.SECONDS);
        w.allowCoreThreadTimeOut(true); // no thread left when the bundle is stopped
        return w;
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
        long after = letGoAfterMillis;
        AtomicBoolean warned = new AtomicBoolean();
        ScheduledFuture<?> watch = WATCH.scheduleWithFixedDelay(() -> letGo(file, warned), after, after,
                TimeUnit.MILLISECONDS);
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } finally {
            watch.cancel(false);
        }
        try {
            ch.position(0); // a FIFO put there since the stat cannot seek (ESPIPE)
        } catch (ClosedChannelException e) { // interrupted (ClosedByInterruptException): not the file's fault
            throw e;
        } catch (IOException e) {
            ch.close();
            throw new NotRegularFileException(file);
        }
        return ch;
    }

    /** Lets an open of {@code file} that waits go, if a FIFO is in its place: see the class. */
    private static void letGo(Path file, AtomicBoolean warned) {
        try {
            if (Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()) {
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                        .close();
                if (warned.compareAndSet(false, true)) {
                    LOG.warn("A FIFO was put in the place of the message file {} as it was opened; let go", file);
                }
            }
        } catch (IOException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("The open of the message file {} waits, and what is in its place cannot be let go: {}", file,
                        e.toString());
            }
        }
    }
}
