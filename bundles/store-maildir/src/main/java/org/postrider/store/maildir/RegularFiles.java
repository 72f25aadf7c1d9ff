package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
 * writer opens it. An open that waits is let go: once it has waited {@link #letGoAfterMillis}
 * (seen at a sweep of the opens under way, every {@link #SWEEP_MILLIS} while there are any),
 * and at each sweep after, a FIFO found in the name's place is opened to read and write,
 * which Linux never blocks, and that is the writer the open waits for. The open then finds a
 * FIFO (it cannot seek) and fails, so a FIFO is never read as a message. What stays: a FIFO the server
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
        Opening opening = new Opening(file);
        OPENING.add(opening); // before the sweeps are looked at: a sweep that stops sees it, or it starts one
        FileChannel ch;
        try {
            sweepSoon();
            ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } finally {
            OPENING.remove(opening);
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

    /** An open under way: its file, since when, and whether a failure to let it go was told. */
    private static final class Opening {
        final Path file;
        final long since = System.nanoTime();
        final AtomicBoolean warned = new AtomicBoolean();

        Opening(Path file) {
            this.file = file;
        }
    }

    /**
     * The opens under way. Each registers here rather than scheduling a watch of its own: a
     * schedule and a cancel a file opened woke the watch thread twice, per message served.
     */
    private static final java.util.Set<Opening> OPENING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** How often the opens under way are looked at, while there are any. */
    static final long SWEEP_MILLIS = 250;
    /** Whether a sweep is scheduled or running. */
    private static final AtomicBoolean SWEEPING = new AtomicBoolean();

    private static void sweepSoon() {
        if (!SWEEPING.get() && SWEEPING.compareAndSet(false, true)) {
            schedule();
        }
    }

    private static void schedule() {
        try {
            WATCH.schedule(RegularFiles::sweep, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException | Error e) { // no thread could be made: the next open tries again
            SWEEPING.set(false);
            throw e;
        }
    }

    /** Lets go the opens that have waited long enough; again later while any are under way. */
    private static void sweep() {
        try {
            long after = TimeUnit.MILLISECONDS.toNanos(letGoAfterMillis);
            long now = System.nanoTime();
            for (Opening o : OPENING) {
                if (now - o.since >= after) {
                    letGo(o.file, o.warned);
                }
            }
        } catch (RuntimeException | Error e) { // the sweeps go on whatever one of them met
            LOG.warn("A sweep of the message files being opened failed", e);
        }
        // iterated, not counted: an entry added is seen before the map's count is raised
        if (!OPENING.iterator().hasNext()) {
            SWEEPING.set(false);
            // an open registered since the look above either saw the flag down and started a
            // sweep of its own, or is seen here
            if (!OPENING.iterator().hasNext() || !SWEEPING.compareAndSet(false, true)) {
                return;
            }
        }
        schedule();
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
