package org.postrider.core;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.TypedProperties;
import org.postrider.api.queue.QueueId;
import org.postrider.kit.durable.DurableFiles;
import org.postrider.kit.durable.GroupSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool on disk: {@code incoming/ID} while a message is being received,
 * {@code queue/ID.msg} once committed (header, then content), {@code queue/ID.state} for
 * its delivery state. A commit fsyncs the file, renames it into queue/ and joins a group
 * fsync of that directory: many concurrent submissions share one directory fsync, and so do
 * the state writes and removals of concurrent deliveries.
 */
final class Spool {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

    private final Path incoming;
    private final Path queue;
    private final GroupSync queueSync;
    private final Forcer forcer;
    private final IdempotencyKeys keys;

    /** The fsync of a message file, replaceable in tests to see it come before the rename. */
    interface Forcer {
        void force(FileChannel channel, Path file) throws IOException;
    }

    Spool(Path root) throws IOException {
        this(root, java.time.Duration.ofDays(6));
    }

    /** @param keyRetention how long the idempotency key of a message gone from the spool is remembered */
    Spool(Path root, java.time.Duration keyRetention) throws IOException {
        this(root, keyRetention, null, (channel, file) -> channel.force(true));
    }

    /** @param queueSync the group sync of queue/, or null for its fsync (tests give one that counts) */
    Spool(Path root, java.time.Duration keyRetention, GroupSync queueSync, Forcer forcer) throws IOException {
        this.incoming = root.resolve("incoming");
        this.queue = root.resolve("queue");
        DurableFiles.createDirectories(incoming);
        DurableFiles.createDirectories(queue);
        this.queueSync = queueSync != null ? queueSync : new GroupSync(queue);
        this.forcer = forcer;
        this.keys = new IdempotencyKeys(root, keyRetention);
        int stale = DurableFiles.removeStaleTemporaries(queue); // state files a crash left half-written
        if (stale > 0) {
            LOG.info("Removed {} unfinished state files from the spool", stale);
        }
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(incoming)) {
            for (Path p : leftovers) {
                Files.delete(p); // never acknowledged, so never promised
                LOG.info("Removed unfinished submission {}", p.getFileName());
            }
        }
    }

    /** An envelope that the spool format would not give back as it is: refused before any "250". */
    static final class UnspoolableEnvelope extends IOException {
        private static final long serialVersionUID = 1L;

        UnspoolableEnvelope(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An open submission: its file in incoming/ and the stream its content goes to. */
    final class Writer {
        final QueueId id;
        final Path file;
        final FileChannel channel;
        final HopCounter content;
        /** The envelope as the spool gives it back, and where the content starts. */
        final Envelope envelope;
        final long contentOffset;
        /** The idempotency key, or null. */
        final String key;
        private final OutputStream buffered;

        Writer(QueueId id, Envelope envelope, byte[] traceHeader, String key) throws IOException {
            byte[] header = SpoolFormat.header(envelope, key);
            this.key = key;
            this.envelope = readBack(header, envelope);
            this.contentOffset = header.length;
            this.id = id;
            this.file = incoming.resolve(id.value());
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            buffered.write(header);
            buffered.write(traceHeader);
            this.content = new HopCounter(buffered);
        }

        /**
         * Makes the message durable in queue/; returns once it is. If the directory sync
         * fails the file is taken out of queue/ again, so the failure answered to the client
         * is true (a crash may still keep it: then it is delivered, never lost).
         */
        void commit() throws IOException {
            buffered.flush();
            forcer.force(channel, file);
            channel.close();
            Path committed = messageFile(id);
            DurableFiles.move(file, committed);
            try {
                queueSync.sync();
            } catch (IOException first) {
                try {
                    queueSync.sync(); // a sync that failed once for someone may succeed now
                } catch (IOException again) {
                    Files.deleteIfExists(committed);
                    throw again;
                }
            }
        }

        /**
         * {@link #commit()} unless a message was committed under the same key (before, or by
         * a racing submission): then this one is discarded and the earlier one's id returned.
         */
        QueueId commitOnce() throws IOException {
            QueueId earlier = keys.commitOnce(key, id, this::commit);
            if (earlier != null) {
                abort();
            }
            return earlier;
        }

        void abort() {
            try {
                channel.close();
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Cannot remove aborted submission {}", file, e);
            }
        }
    }

    /** Every envelope is read back before its file is begun: what cannot be read back is never accepted. */
    private static Envelope readBack(byte[] header, Envelope envelope) throws UnspoolableEnvelope {
        try {
            Envelope back = SpoolFormat.read(new ByteArrayInputStream(header)).envelope();
            if (!back.equals(envelope)) {
                throw new UnspoolableEnvelope("envelope does not survive the spool format: " + envelope, null);
            }
            return back;
        } catch (UnspoolableEnvelope e) {
            throw e;
        } catch (IOException e) {
            throw new UnspoolableEnvelope("envelope cannot be spooled: " + e.getMessage(), e);
        }
    }

    Writer begin(QueueId id, Envelope envelope, byte[] traceHeader) throws IOException {
        return new Writer(id, envelope, traceHeader, null);
    }

    Writer begin(QueueId id, Envelope envelope, byte[] traceHeader, String idempotencyKey) throws IOException {
        return new Writer(id, envelope, traceHeader, idempotencyKey);
    }

    /** The message committed under an idempotency key, queued or gone, if remembered. */
    java.util.Optional<QueueId> committedWith(String key) {
        return keys.lookup(key);
    }

    void close() {
        keys.close();
    }

    int[] idempotencyCounts() {
        return keys.counts();
    }

    Path messageFile(QueueId id) {
        return queue.resolve(id.value() + ".msg");
    }

    private Path stateFile(QueueId id) {
        return queue.resolve(id.value() + ".state");
    }

    /** The ids of every committed message, for recovery at start. */
    List<QueueId> committed() throws IOException {
        List<QueueId> ids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(queue, "*.msg")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                ids.add(new QueueId(n.substring(0, n.length() - 4)));
            }
        }
        ids.sort((a, b) -> a.value().compareTo(b.value()));
        return ids;
    }

    /** Whether a committed message is in the spool. */
    boolean contains(QueueId id) {
        return Files.exists(messageFile(id));
    }

    /** Removes state files whose message is gone (a crash between the two deletions). */
    void removeOrphans() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(queue, "*.state")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!Files.exists(queue.resolve(n.substring(0, n.length() - 6) + ".msg"))) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A queued message's typed property set, from its header (kept there, not in memory). */
    TypedProperties properties(QueueId id) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(messageFile(id)))) {
            TypedProperties p = SpoolFormat.read(in).envelope().properties();
            if (p == null) {
                throw new IOException("the spool header of " + id + " lost its typed property set");
            }
            return p;
        }
    }

    SpoolFormat.Parsed readHeader(QueueId id) throws IOException {
        SpoolFormat.Parsed p;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(messageFile(id)))) {
            p = SpoolFormat.read(in);
        }
        if (p.idempotencyKey() != null) {
            keys.queued(p.idempotencyKey(), id);
        }
        return p;
    }

    /** The message content of a spool file, from its offset, opened afresh on each read. */
    MessageContent content(QueueId id, long offset) throws IOException {
        Path file = messageFile(id);
        long size = Files.size(file) - offset;
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                ch.position(offset);
                return new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            }
        };
    }

    MessageState readState(QueueId id, int recipients) throws IOException {
        Path f = stateFile(id);
        if (!Files.exists(f)) {
            return MessageState.fresh(recipients);
        }
        return MessageState.decode(Files.readString(f, StandardCharsets.UTF_8), recipients);
    }

    void writeState(QueueId id, MessageState state) throws IOException {
        DurableFiles.write(stateFile(id), state.encode(), queueSync);
    }

    /** Forgets a message: the message file first, so a crash leaves at worst an orphan state file. */
    void remove(QueueId id) throws IOException {
        keys.leaving(id);
        Files.deleteIfExists(messageFile(id));
        Files.deleteIfExists(stateFile(id));
        queueSync.sync();
    }
}
