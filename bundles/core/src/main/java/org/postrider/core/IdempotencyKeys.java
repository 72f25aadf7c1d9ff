package org.postrider.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.postrider.api.queue.QueueId;
import org.postrider.kit.durable.DurableFiles;
import org.postrider.kit.durable.GroupSync;
import org.postrider.kit.text.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of messages submitted with {@code MailQueue.begin(envelope, key)}, so that a
 * peer's retransmission after a crash is recognised and not queued twice. A queued
 * message's key is in its spool header (made durable by the same commit); when the
 * message leaves the spool its key is first appended to {@code idempotency.log} (fsynced,
 * one fsync for the messages leaving together)
 * and remembered there for {@code retention} (the queue's maximum lifetime and a day: the
 * longest a sender retries), then dropped by a compaction: at start, and while running once
 * more lines were appended since the last one than it kept (so the log and the memory stay
 * within twice what the retention needs, and each line is rewritten a bounded number of times).
 * <pre>
 * KEY QUEUEID MILLIS      (KEY percent-escaped; one line a message gone from the spool)
 * </pre>
 */
final class IdempotencyKeys {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);
    static final String LOG_FILE = "idempotency.log";

    private record Gone(QueueId id, long at) {
    }

    private final Path file;
    private final Duration retention;
    private final java.util.function.LongSupplier clock;
    /** Lines appended since the log was last compacted. */
    private int appended;
    private final Map<String, QueueId> live = new ConcurrentHashMap<>();
    private final Map<QueueId, String> keyOf = new ConcurrentHashMap<>();
    private final Map<String, Gone> gone = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> committing = new ConcurrentHashMap<>();
    private final Object appendLock = new Object();
    private FileChannel appender;
    /** After {@link #close}: no reopening (an attempt outlasting the queue's stop must not write on). */
    private boolean closed;
    private final GroupSync forced = new GroupSync(this::forceLog);

    IdempotencyKeys(Path spoolRoot, Duration retention) throws IOException {
        this(spoolRoot, retention, System::currentTimeMillis);
    }

    /** @param clock milliseconds since the epoch (tests move it) */
    IdempotencyKeys(Path spoolRoot, Duration retention, java.util.function.LongSupplier clock) throws IOException {
        this.file = spoolRoot.resolve(LOG_FILE);
        this.retention = retention;
        this.clock = clock;
        load(clock.getAsLong() - retention.toMillis());
    }

    /** Whether a key is acceptable: 1-255 printable ASCII characters without space. */
    static boolean valid(String key) {
        return key != null && !key.isEmpty() && key.length() <= 255 && key.chars().allMatch(c -> c > 32 && c < 127);
    }

    /** Reads the log, keeping the keys younger than {@code since}; rewrites it without the rest or a torn end. */
    private void load(long since) throws IOException {
        int dropped = 0;
        if (Files.exists(file)) {
            byte[] all = Files.readAllBytes(file);
            int start = 0;
            for (int i = 0; i < all.length; i++) {
                if (all[i] != '\n') {
                    continue;
                }
                String line = new String(all, start, i - start, StandardCharsets.US_ASCII);
                start = i + 1;
                String[] f = line.split(" ");
                try {
                    String key = PercentCodec.decode(f[0]);
                    long at = Long.parseLong(f[2]);
                    if (f.length != 3 || key == null) {
                        throw new IllegalArgumentException(line);
                    }
                    if (at >= since) {
                        gone.put(key, new Gone(new QueueId(f[1]), at));
                    } else {
                        dropped++;
                    }
                } catch (RuntimeException e) {
                    dropped++;
                    LOG.warn("Ignored a damaged line of {}: {}", file, line.length() > 80 ? line.substring(0, 80) : line);
                }
            }
            if (start != all.length) {
                dropped++; // a line a crash tore: its message was still in the spool, and is there now
            }
        }
        if (dropped > 0 || !Files.exists(file)) {
            StringBuilder sb = new StringBuilder();
            gone.forEach((k, g) -> sb.append(line(k, g.id(), g.at())));
            DurableFiles.write(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        appender = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static String line(String key, QueueId id, long at) {
        return PercentCodec.encode(key) + " " + id.value() + " " + at + "\n";
    }

    Optional<QueueId> lookup(String key) {
        QueueId id = live.get(key);
        if (id != null) {
            return Optional.of(id);
        }
        Gone g = gone.get(key);
        return g == null ? Optional.empty() : Optional.of(g.id());
    }

    /** A message in the spool carries this key (a commit, or recovery at start). */
    void queued(String key, QueueId id) {
        live.put(key, id);
        keyOf.put(id, key);
    }

    /**
     * Commits under the key's lock unless a message holds the key already: returns the
     * earlier message's id (and commits nothing), or null after {@code commit} ran.
     */
    QueueId commitOnce(String key, QueueId id, IoAction commit) throws IOException {
        ReentrantLock lock = committing.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            Optional<QueueId> earlier = lookup(key);
            if (earlier.isPresent()) {
                return earlier.get();
            }
            commit.run();
            queued(key, id);
            return null;
        } finally {
            lock.unlock();
            committing.remove(key, lock);
        }
    }

    interface IoAction {
        void run() throws IOException;
    }

    /**
     * The message is about to leave the spool: its key is logged durably first, so that a
     * crash between the two leaves the key known in one place or both, never none.
     */
    void leaving(QueueId id) throws IOException {
        String key = keyOf.get(id);
        if (key == null) {
            return;
        }
        long now = clock.getAsLong();
        synchronized (appendLock) {
            reopenIfInterrupted();
            appender.write(ByteBuffer.wrap(line(key, id, now).getBytes(StandardCharsets.US_ASCII)));
            gone.put(key, new Gone(id, now));
            live.remove(key, id);
            keyOf.remove(id);
            if (++appended > Math.max(1000, gone.size() / 2)) {
                try {
                    compact(now - retention.toMillis());
                } catch (IOException e) {
                    // this key's line is in the file that has the name (the old log, or the new one
                    // the failed compaction renamed in), which the fsync below forces; compaction is
                    // tried again later
                    LOG.warn("cannot compact {}: {}", file, e.getMessage());
                }
            }
        }
        // messages leaving together share one fsync of the log (each used to wait for its own, in line)
        try {
            forced.sync();
        } catch (IOException | RuntimeException e) {
            // the message stays; its retried removal logs the key again rather than skip it
            keyOf.put(id, key);
            throw e;
        }
    }

    /** An interrupted fsync closes the channel (ClosedByInterruptException); the file is fine. Under the append lock. */
    private void reopenIfInterrupted() throws IOException {
        if (closed) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (!appender.isOpen()) {
            appender = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
        }
    }

    /**
     * Forces the log that has the name now. A compaction may close the channel meanwhile: it
     * wrote every line appended before it into the file that has the name (or failed and
     * reopened the old file), so forcing the channel open now covers the lines before it.
     */
    private void forceLog() throws IOException {
        for (int tries = 0;; tries++) {
            FileChannel ch;
            synchronized (appendLock) {
                reopenIfInterrupted();
                ch = appender;
            }
            try {
                ch.force(false);
                return;
            } catch (java.nio.channels.ClosedByInterruptException e) {
                throw e; // the next append reopens the channel
            } catch (java.nio.channels.ClosedChannelException e) {
                if (tries >= 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Drops the keys older than {@code since} from memory and the log: the log is written
     * again whole (durably, by rename), under the append lock, so no line is lost between.
     */
    private void compact(long since) throws IOException {
        gone.entrySet().removeIf(e -> e.getValue().at() < since);
        StringBuilder sb = new StringBuilder();
        gone.forEach((k, g) -> sb.append(line(k, g.id(), g.at())));
        appended = 0;
        try {
            DurableFiles.write(file, sb.toString().getBytes(StandardCharsets.US_ASCII));
        } finally {
            // whether or not the new log was renamed in, appends go to the file that has the name now;
            // the old file's appended lines are forced first, in case that is still the old file
            try {
                appender.force(false);
            } catch (IOException e) {
                LOG.debug("forcing {} before its compaction: {}", file, e.toString());
            }
            appender.close();
            appender = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND,
                    StandardOpenOption.CREATE);
        }
    }

    /** Keys remembered, queued and gone, for statistics. */
    int[] counts() {
        return new int[] {live.size(), gone.size()};
    }

    void close() {
        synchronized (appendLock) {
            closed = true;
        }
        try {
            appender.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", file, e.toString());
        }
    }

}
