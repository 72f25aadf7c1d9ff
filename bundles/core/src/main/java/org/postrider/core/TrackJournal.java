package org.postrider.core;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.postrider.api.track.TrackEvent;
import org.postrider.kit.text.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's message-tracking journal: one line per event, one file per UTC day
 * ({@code track-2026-11-30.log}), kept for a number of days. Lines are written through to
 * the file system as they happen but not fsynced: tracking tells an administrator where a
 * message went, it is not what keeps the message (the spool is), and a crash loses at most
 * the last events, never mail.
 * <p>
 * A search reads the days' files twice, streaming: first for the queue ids that the
 * Message-ID was recorded under, then for every event of those ids (a line may lack the
 * Message-ID: a notice's, or one written when the id was not known). Work is in proportion
 * to the journal, memory to the events found.
 * <p>
 * The journal is bounded in size as well as in days: past {@code maxBytes} the oldest days go
 * first; when today's file alone is over it, events are dropped (and that said once) until the
 * next day or a larger limit.
 */
final class TrackJournal {
    private static final Logger LOG = LoggerFactory.getLogger(TrackJournal.class);
    private static final String NONE = ".";
    private static final String PREFIX = "track-";
    private static final String SUFFIX = ".log";
    /** Queue ids one Message-ID may have on this server (resent copies, notices) before the search stops adding. */
    static final int MAX_IDS = 100;

    private final String server;
    private final Clock clock;
    /** Not synchronized: delivery threads are virtual, and a monitor held across I/O pins them (JDK 21-23). */
    private final ReentrantLock lock = new ReentrantLock();
    // the settings: changed live by configure(), read by find() without the lock
    private volatile Path dir;
    private volatile int days;
    private volatile long maxBytes;
    // guarded by lock
    private LocalDate openDay;
    private boolean closed;
    private OutputStream out;
    private boolean failing;
    /** Octets in all day files: summed when a day's file is opened, then counted as lines are added. */
    private long total;
    private boolean full;

    /**
     * @param days how many days of files to keep; 0 turns tracking off
     * @param maxBytes the most the day files may hold together
     */
    TrackJournal(Path dir, String server, int days, long maxBytes, Clock clock) {
        this.dir = dir;
        this.server = server;
        this.days = days;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** New settings, live: the next event opens (and prunes) the files under them. */
    void configure(Path dir, int days, long maxBytes) {
        lock.lock();
        try {
            closeQuietly();
            this.dir = dir;
            this.days = days;
            this.maxBytes = maxBytes;
            failing = false;
        } finally {
            lock.unlock();
        }
    }

    boolean enabled() {
        return days > 0;
    }

    /** Appends one event; an I/O failure is logged once and never reaches the mail flow. */
    void record(String queueId, String messageId, TrackEvent.Kind kind, String recipient, String via,
            String peer, String detail) {
        if (days <= 0) {
            return;
        }
        // the Message-ID on every line that knows it: a lost ACCEPTED line (power cut, pruned day)
        // does not make the later events unfindable
        String fields = field(queueId) + "\t" + (messageId == null ? NONE : PercentCodec.encode(messageId)) + "\t" + kind + "\t" + field(recipient)
                + "\t" + field(via) + "\t" + field(peer) + "\t" + field(detail) + "\n";
        lock.lock();
        try {
            if (closed || days <= 0) {
                return;
            }
            write(fields);
        } finally {
            lock.unlock();
        }
    }

    private void write(String fields) {
        Instant now = clock.instant();
        String line = now + "\t" + fields;
        try {
            LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
            if (!day.equals(openDay)) {
                roll(day);
            }
            byte[] b = line.getBytes(StandardCharsets.US_ASCII);
            if (total + b.length > maxBytes && (full || !makeRoom(b.length))) {
                return;
            }
            out.write(b);
            out.flush();
            total += b.length;
            failing = false;
        } catch (IOException | UncheckedIOException e) {
            if (!failing) {
                LOG.warn("message tracking cannot write to {}: {}", dir, e.getMessage());
            }
            failing = true;
            closeQuietly();
        }
    }

    private void roll(LocalDate day) throws IOException {
        closeQuietly();
        Files.createDirectories(dir);
        Path file = dir.resolve(PREFIX + day + SUFFIX);
        boolean cut = false;
        if (Files.notExists(file)) {
            // addresses, client IPs and logins: for the server's owner only, as the directory is
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            cut = endsCut(file);
        }
        out = Files.newOutputStream(file, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        if (cut) {
            out.write('\n'); // a line a crash cut stays apart from the next one
        }
        openDay = day;
        full = false;
        LocalDate oldest = day.minusDays(days - 1L);
        total = 0;
        for (Path f : files()) {
            LocalDate d = dayOf(f);
            if (d != null && d.isBefore(oldest)) {
                delete(f);
            } else {
                total += size(f);
            }
        }
    }

    /** Deletes the oldest days before today's until {@code needed} more octets fit; false when they cannot. */
    private boolean makeRoom(int needed) {
        for (Path f : files()) {
            if (total + needed <= maxBytes) {
                break;
            }
            if (!openDay.equals(dayOf(f))) {
                long size = size(f);
                if (delete(f)) {
                    total -= size;
                    LOG.info("message tracking over its size limit: removed {}", f.getFileName());
                }
            }
        }
        if (total + needed <= maxBytes) {
            return true;
        }
        if (!full) {
            LOG.warn("message tracking: today's journal alone has reached the limit of {} MiB; events are not "
                    + "recorded until tomorrow or a larger maxTrackingMiB", maxBytes >> 20);
            full = true;
        }
        return false;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean delete(Path f) {
        try {
            Files.deleteIfExists(f);
            return true;
        } catch (IOException e) {
            LOG.warn("message tracking cannot remove {}: {}", f, e.getMessage());
            return false;
        }
    }

    private static boolean endsCut(Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return false;
            }
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true; // a delivery still running after the queue stopped records nothing
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing more to lose: the lines written are in the file
            }
            out = null;
        }
        openDay = null;
    }

    /** This server's events for the Message-ID, oldest first, at most {@code limit}. */
    List<TrackEvent> find(String messageId, int limit) {
        String key = HopCounter.normalise(messageId == null ? "" : messageId);
        if (key == null || days <= 0) {
            return List.of();
        }
        String encoded = PercentCodec.encode(key);
        Set<String> ids = new HashSet<>();
        scan(f -> {
            if (encoded.equals(f[2]) && ids.size() < MAX_IDS) {
                ids.add(f[1]);
            }
            return true;
        });
        List<TrackEvent> found = new ArrayList<>();
        scan(f -> {
            if (ids.contains(f[1]) || encoded.equals(f[2])) {
                TrackEvent e = event(f, key);
                if (e != null) {
                    found.add(e);
                }
            }
            return found.size() < limit;
        });
        return found;
    }

    private interface LineVisitor {
        /** @return false to stop */
        boolean visit(String[] fields);
    }

    private void scan(LineVisitor v) {
        for (Path f : files()) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.US_ASCII)) {
                String line;
                while ((line = r.readLine()) != null) {
                    String[] fields = line.split("\t", -1);
                    if (fields.length == 8 && !v.visit(fields)) {
                        return;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("message tracking cannot read {}: {}", f, e.getMessage());
            }
        }
    }

    private TrackEvent event(String[] f, String messageId) {
        try {
            return new TrackEvent(Instant.parse(f[0]), server, text(f[1]), messageId, TrackEvent.Kind.valueOf(f[3]),
                    text(f[4]), text(f[5]), text(f[6]), text(f[7]));
        } catch (DateTimeParseException | IllegalArgumentException | NullPointerException e) {
            return null; // a line cut by a crash
        }
    }

    /** The day files, oldest first. */
    private List<Path> files() {
        Path dir = this.dir;
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> dayOf(p) != null).sorted().toList();
        } catch (IOException e) {
            LOG.warn("message tracking cannot list {}: {}", dir, e.getMessage());
            return List.of();
        }
    }

    private static LocalDate dayOf(Path f) {
        String n = f.getFileName().toString();
        if (!n.startsWith(PREFIX) || !n.endsWith(SUFFIX)) {
            return null;
        }
        try {
            return LocalDate.parse(n.substring(PREFIX.length(), n.length() - SUFFIX.length()));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Longer values (a hop's long reply) are cut: the journal says where mail went, the mail log says all. */
    static final int MAX_FIELD = 500;

    private static String field(String s) {
        return s == null ? NONE : PercentCodec.encode(s.length() > MAX_FIELD ? s.substring(0, MAX_FIELD) : s);
    }

    private static String text(String s) {
        return NONE.equals(s) ? null : PercentCodec.decode(s);
    }
}
