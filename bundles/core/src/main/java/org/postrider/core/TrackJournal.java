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
 * Message-ID was accepted under, then for every event of those ids (events recorded after
 * a restart know the queue id only). Work is in proportion to the journal, memory to the
 * events found.
 */
final class TrackJournal {
    private static final Logger LOG = LoggerFactory.getLogger(TrackJournal.class);
    private static final String NONE = ".";
    private static final String PREFIX = "track-";
    private static final String SUFFIX = ".log";
    /** Queue ids one Message-ID may have on this server (resent copies, notices) before the search stops adding. */
    static final int MAX_IDS = 100;

    private final Path dir;
    private final String server;
    private final int days;
    private final Clock clock;
    /** Not synchronized: delivery threads are virtual, and a monitor held across I/O pins them (JDK 21-23). */
    private final ReentrantLock lock = new ReentrantLock();
    private LocalDate openDay;
    private boolean closed;
    private OutputStream out;
    private boolean failing;

    /** @param days how many days of files to keep; 0 turns tracking off */
    TrackJournal(Path dir, String server, int days, Clock clock) {
        this.dir = dir;
        this.server = server;
        this.days = days;
        this.clock = clock;
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
        // the Message-ID on the ACCEPTED line only: find() joins the rest by queue id
        String id = kind == TrackEvent.Kind.ACCEPTED ? messageId : null;
        String fields = field(queueId) + "\t" + (id == null ? NONE : PercentCodec.encode(id)) + "\t" + kind + "\t" + field(recipient)
                + "\t" + field(via) + "\t" + field(peer) + "\t" + field(detail) + "\n";
        lock.lock();
        try {
            if (closed) {
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
            out.write(line.getBytes(StandardCharsets.US_ASCII));
            out.flush();
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
        LocalDate oldest = day.minusDays(days - 1L);
        for (Path f : files()) {
            LocalDate d = dayOf(f);
            if (d != null && d.isBefore(oldest)) {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    LOG.warn("message tracking cannot remove {}: {}", f, e.getMessage());
                }
            }
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
