package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.postrider.api.store.Flag;
import org.postrider.api.store.UidSet;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder's index as an append-only log, fsynced per change and compacted when it grows:
 * <pre>
 * V uidvalidity uidnext highestmodseq
 * A uid modseq size date-ms flags base file [keyword...]   (the base is the file's, without flags;
 *                                                         size -1: not counted yet)
 * F uid modseq flags file [keyword...]
 * X uid modseq
 * S new-mtime-ns cur-mtime-ns
 * R uid            (UIDs from here on are \Recent: not yet claimed by a session)
 * C uid position   (the message's structure is at this position of the cache file)
 * Z uid size       (the size of a message indexed uncounted, counted on first demand)
 * E modseq         (expunges at or below it are forgotten)
 * </pre>
 * The message table in memory keeps, per message, the position of the A or F record that
 * last named its file, and {@link #fileAt} reads the name back from there: names cost no
 * memory. An S record, appended when a folder is closed, says the index matched new/ and cur/
 * when they had these mtimes; it counts only as the last record (anything after it is a
 * change). R, C, Z and S records are hints, written without an fsync (the next append syncs
 * them): a crash that loses one loses a value that is found again (a Z record's size is
 * counted again), never leaves the log wrong. Names and keywords are escaped with
 * {@link FolderNames#escape}. A torn last line (a crash mid-append) is ignored when read and
 * cut off before the next append, so a record is never glued to a torn one. Anything else
 * unreadable makes the log untrusted: what it still says serves a rebuild as evidence
 * (UIDNEXT, HIGHESTMODSEQ, keywords), not as the truth.
 */
final class IndexLog {
    private static final Logger LOG = LoggerFactory.getLogger(IndexLog.class);
    static final String FILE = "postrider-index";
    /** UIDs stay below this, IMAP's largest, so that UIDNEXT is one IMAP can say. */
    static final long MAX_UID = 0xFFFFFFFFL;
    /** A record longer than this is damage (names are short; keywords are capped by the folder). */
    static final int MAX_LINE = 1 << 20;
    /** Expunges remembered per folder for QRESYNC (16 bytes each). */
    static final int TOMBSTONES = 4096;

    /** The index's state after replaying the log. */
    static final class State {
        long uidValidity;
        long uidNext = 1;
        long highestModSeq;
        final MessageTable table = new MessageTable();
        final Tombstones tombstones = new Tombstones(TOMBSTONES);
        /** UIDs at or above are \Recent. */
        long recentFrom = 1;
        int lines;
        /** Records in the cache file (live or not), for its compaction. */
        long cacheRecords;
        /** False when some record could not be read: then only evidence for a rebuild. */
        boolean trusted = true;
        /** mtimes of new/ and cur/ that the index matched, from a last S record; else null. */
        FileTime[] synced;
    }

    /** One record of the log with the position it starts at. */
    record Line(long pos, String text) {
    }

    private final Path file;
    /** The S record the log ends with, if it does. */
    private FileTime[] lastSynced;

    IndexLog(Path folderDir) {
        this.file = folderDir.resolve(FILE);
    }

    Path path() {
        return file;
    }

    /**
     * Replays the log; null when there is none. A state that is not {@link State#trusted}
     * holds what could be read, record by record.
     */
    State load() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        State s = new State();
        List<Long> expunged = new ArrayList<>();
        try (LineReader in = new LineReader(file)) {
            for (Line l; (l = in.next()) != null; ) {
                try {
                    if (l.text() == null) {
                        throw new IllegalArgumentException("record too long");
                    }
                    String[] f = l.text().split(" ");
                    s.synced = null;
                    if (f[0].equals("S")) {
                        s.synced = new FileTime[] {FileTime.from(Long.parseLong(f[1]), TimeUnit.NANOSECONDS),
                            FileTime.from(Long.parseLong(f[2]), TimeUnit.NANOSECONDS)};
                    } else {
                        replay(s, f, l.pos(), expunged);
                    }
                    s.lines++;
                } catch (RuntimeException e) {
                    s.trusted = false;
                }
            }
        }
        if (!expunged.isEmpty()) {
            s.table.remove(UidSet.of(expunged));
        }
        if (s.uidValidity <= 0) {
            s.trusted = false;
        }
        lastSynced = s.synced;
        return s;
    }

    private static void replay(State s, String[] f, long pos, List<Long> expunged) {
        switch (f[0]) {
            case "V" -> {
                s.uidValidity = Long.parseLong(f[1]);
                s.uidNext = Math.max(s.uidNext, Long.parseLong(f[2]));
                s.highestModSeq = Math.max(s.highestModSeq, Long.parseLong(f[3]));
            }
            case "A" -> {
                long uid = Long.parseLong(f[1]);
                long modSeq = Long.parseLong(f[2]);
                checkUid(uid);
                String base = FolderNames.unescape(f[6]);
                String name = FolderNames.unescape(f[7]);
                if (base == null || name == null) {
                    throw new IllegalArgumentException("bad name");
                }
                long size = Long.parseLong(f[3]);
                if (size < MessageTable.UNCOUNTED) {
                    throw new IllegalArgumentException("bad size");
                }
                s.table.put(uid, modSeq, size, Long.parseLong(f[4]),
                        MessageTable.bits(MaildirName.flags(f[5])), keywords(f, 8),
                        keyOf(name), pos);
                s.uidNext = Math.max(s.uidNext, uid + 1);
                s.highestModSeq = Math.max(s.highestModSeq, modSeq);
            }
            case "F" -> {
                long uid = Long.parseLong(f[1]);
                long modSeq = Long.parseLong(f[2]);
                String file = FolderNames.unescape(f[4]);
                if (file == null) {
                    throw new IllegalArgumentException("bad name");
                }
                int r = s.table.row(uid);
                if (r >= 0) {
                    // The store renames a message's file only within its base name (flags follow
                    // ":2,"); a record naming another base is damage, and compaction, which writes
                    // the base from the file, would drop the delivery key of the A record.
                    String name = file.substring(file.indexOf('/') + 1);
                    if (MessageTable.key(MaildirName.parse(name).deliveryKey()) != s.table.deliveryKey(r)) {
                        throw new IllegalArgumentException("file of another message");
                    }
                    s.table.change(r, modSeq, MessageTable.bits(MaildirName.flags(f[3])), keywords(f, 5), pos);
                }
                s.highestModSeq = Math.max(s.highestModSeq, modSeq);
            }
            case "X" -> {
                long uid = Long.parseLong(f[1]);
                long modSeq = Long.parseLong(f[2]);
                checkUid(uid);
                expunged.add(uid);
                s.tombstones.add(uid, modSeq);
                s.uidNext = Math.max(s.uidNext, uid + 1);
                s.highestModSeq = Math.max(s.highestModSeq, modSeq);
            }
            case "R" -> s.recentFrom = Math.max(s.recentFrom, Long.parseLong(f[1]));
            case "C" -> {
                int r = s.table.row(Long.parseLong(f[1]));
                long at = Long.parseLong(f[2]);
                if (at < 0) {
                    throw new IllegalArgumentException("bad position");
                }
                if (r >= 0) {
                    s.table.setCachePos(r, at);
                }
                s.cacheRecords++;
            }
            case "Z" -> {
                int r = s.table.row(Long.parseLong(f[1]));
                long size = Long.parseLong(f[2]);
                if (size < 0) {
                    throw new IllegalArgumentException("bad size");
                }
                if (r >= 0) { // else expunged since
                    s.table.setSize(r, size);
                }
            }
            case "E" -> s.tombstones.raiseFloor(Long.parseLong(f[1]));
            default -> throw new IllegalArgumentException("unknown record " + f[0]);
        }
    }

    private static long keyOf(String file) {
        return MessageTable.key(MaildirName.parse(file.substring(file.indexOf('/') + 1)).deliveryKey());
    }

    /** A UID IMAP can name, leaving UIDNEXT one too (RFC 3501: 32-bit UIDs). */
    private static void checkUid(long uid) {
        if (uid <= 0 || uid >= MAX_UID) {
            throw new IllegalArgumentException("bad UID");
        }
    }

    private static Set<String> keywords(String[] f, int from) {
        Set<String> k = new HashSet<>();
        for (int i = from; i < f.length; i++) {
            String w = FolderNames.unescape(f[i]);
            if (w == null) {
                throw new IllegalArgumentException("bad keyword");
            }
            k.add(w);
        }
        return k;
    }

    static String added(long uid, long modSeq, long size, long dateMs, Set<Flag> flags, String base, String name,
            Set<String> keywords) {
        return "A " + uid + " " + modSeq + " " + size + " " + dateMs + " " + flags(flags) + " "
                + FolderNames.escape(base) + " " + FolderNames.escape(name) + keywordList(keywords);
    }

    static String changed(long uid, long modSeq, Set<Flag> flags, String name, Set<String> keywords) {
        return "F " + uid + " " + modSeq + " " + flags(flags) + " " + FolderNames.escape(name)
                + keywordList(keywords);
    }

    static String expunged(long uid, long modSeq) {
        return "X " + uid + " " + modSeq;
    }

    static String recent(long from) {
        return "R " + from;
    }

    static String cached(long uid, long pos) {
        return "C " + uid + " " + pos;
    }

    static String counted(long uid, long size) {
        return "Z " + uid + " " + size;
    }

    private static String synced(FileTime[] mtimes) {
        return "S " + mtimes[0].to(TimeUnit.NANOSECONDS) + " " + mtimes[1].to(TimeUnit.NANOSECONDS);
    }

    private static String flags(Set<Flag> f) {
        String l = MaildirName.letters(f);
        return l.isEmpty() ? "-" : l;
    }

    private static String keywordList(Set<String> k) {
        StringBuilder sb = new StringBuilder();
        k.stream().sorted().forEach(w -> sb.append(' ').append(FolderNames.escape(w)));
        return sb.toString();
    }

    /**
     * The file ("new/..." or "cur/...") named by the A or F record of {@code uid} at
     * {@code pos}; an IOException if the record there is not one.
     */
    String fileAt(long pos, long uid) throws IOException {
        try (FileChannel ch = FileChannel.open(file, READ)) {
            return fileOf(recordAt(ch, pos), uid);
        }
    }

    /**
     * {@link #fileAt} of many records at once ({@code pos[i]} of {@code uids[i]}, i below n):
     * read through one open log in the order of their positions, each read covering the
     * records that lie near the first (up to a window), so a batch of messages recorded one
     * after the other costs an open of the log and a read per window, not an open and a read
     * per message, and records far apart cost a record's read each. A record that is not where
     * the index says (or a negative position) gives null: the caller looks it up alone, which
     * reports the damage.
     */
    String[] filesAt(long[] pos, long[] uids, int n) throws IOException {
        String[] files = new String[n];
        Integer[] order = new Integer[n]; // n is a batch's: boxing it is bounded
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(pos[a], pos[b]));
        try (FileChannel ch = FileChannel.open(file, READ)) {
            byte[] window = new byte[WINDOW];
            long start = 0;
            int length = 0;
            for (int k = 0; k < n; k++) {
                int i = order[k];
                long p = pos[i];
                if (p < 0) {
                    continue;
                }
                int end = p >= start && p < start + length ? lineEnd(window, (int) (p - start), length) : -1;
                if (end < 0) { // not in the window, or cut by its end: read from the record to the last one near it
                    long last = p;
                    for (int j = k + 1; j < n && pos[order[j]] - p <= WINDOW - RECORD_GUESS; j++) {
                        last = pos[order[j]];
                    }
                    ByteBuffer b = ByteBuffer.wrap(window, 0, (int) (last - p) + RECORD_GUESS);
                    while (b.hasRemaining() && ch.read(b, p + b.position()) > 0) {
                        // until the records are in or the log ends
                    }
                    start = p;
                    length = b.position();
                    end = lineEnd(window, 0, length);
                }
                Line l;
                if (end >= 0) {
                    int from = (int) (p - start);
                    l = new Line(p, new String(window, from, end - from, StandardCharsets.UTF_8));
                } else {
                    l = recordAt(ch, p); // longer than the window
                }
                try {
                    files[i] = fileOf(l, uids[i]);
                } catch (IOException e) {
                    files[i] = null;
                }
            }
        }
        return files;
    }

    /** Octets {@link #filesAt} reads at most at once: some 400 records of about 150 that lie together. */
    private static final int WINDOW = 64 * 1024;

    /** The index of the first LF in {@code b[from, to)}, or -1. */
    private static int lineEnd(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Octets read first for one record: an A record with its names is about 150. */
    static final int RECORD_GUESS = 512;
    private static final Set<StandardOpenOption> READ = Set.of(StandardOpenOption.READ);

    /**
     * The complete line at {@code pos} (null at the end, or for a torn last line), read with a
     * buffer the size of a record that grows only for a longer one: a FETCH or SEARCH that
     * opens many messages reads a few hundred octets for each name, not a LineReader's buffer.
     */
    private static Line recordAt(FileChannel ch, long pos) throws IOException {
        byte[] b = new byte[RECORD_GUESS];
        int have = 0;
        while (true) {
            ByteBuffer buf = ByteBuffer.wrap(b, have, b.length - have);
            int r = ch.read(buf, pos + have);
            if (r < 0) {
                return null;
            }
            for (int i = have; i < have + r; i++) {
                if (b[i] == '\n') {
                    return new Line(pos, new String(b, 0, i, StandardCharsets.UTF_8));
                }
            }
            have += r;
            if (have == b.length) {
                if (b.length > MAX_LINE) {
                    return new Line(pos, null); // too long: not a record of ours
                }
                b = Arrays.copyOf(b, Math.min(2 * b.length, MAX_LINE + 1));
            }
        }
    }

    private static String fileOf(Line l, long uid) throws IOException {
        String t = l == null ? null : l.text();
        if (t != null && t.length() > 2 && t.charAt(1) == ' ') { // "A uid ... base file ..." or "F uid ... file ..."
            int field = t.charAt(0) == 'A' ? 7 : t.charAt(0) == 'F' ? 4 : -1;
            int from = field < 0 ? -1 : start(t, field);
            if (from >= 0 && sameUid(t, 2, end(t, 2), uid)) {
                String file = FolderNames.unescape(t.substring(from, end(t, from)));
                if (file != null) {
                    return file;
                }
            }
        }
        throw new IOException("index record of UID " + uid + " is not where the index says");
    }

    /** Where the {@code n}th space-separated field of a record starts, if it is there and not empty; else -1. */
    private static int start(String t, int n) {
        int at = 0;
        for (int i = 0; i < n; i++) {
            at = t.indexOf(' ', at);
            if (at < 0) {
                return -1;
            }
            at++;
        }
        return at < t.length() && t.charAt(at) != ' ' ? at : -1;
    }

    private static int end(String t, int from) {
        int e = t.indexOf(' ', from);
        return e < 0 ? t.length() : e;
    }

    private static boolean sameUid(String t, int from, int to, long uid) {
        try {
            return Long.parseLong(t, from, to, 10) == uid;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Every message's file, in table order, read from the log in one pass (reconcile, rebuild). */
    String[] files(MessageTable t) throws IOException {
        String[] files = new String[t.size()];
        Integer[] order = new Integer[t.size()];
        for (int r = 0; r < order.length; r++) {
            order[r] = r;
        }
        Arrays.sort(order, (a, b) -> Long.compare(t.logPos(a), t.logPos(b)));
        try (LineReader in = new LineReader(file)) {
            Line l = in.next();
            for (int r : order) {
                long want = t.logPos(r);
                while (l != null && l.pos() < want) {
                    l = in.next();
                }
                if (l == null || l.pos() != want) {
                    throw new IOException("index record of UID " + t.uid(r) + " is not where the index says");
                }
                files[r] = fileOf(l, t.uid(r));
            }
        }
        return files;
    }

    /**
     * Appends an S record without an fsync (a hint that a crash may lose; the next append
     * syncs it too), unless the log already ends with the same one: a folder evicted again
     * and again without a change does not grow its log.
     */
    void appendSynced(FileTime[] mtimes) throws IOException {
        if (Arrays.equals(mtimes, lastSynced)) {
            return;
        }
        write(List.of(synced(mtimes)), false);
        lastSynced = mtimes;
    }

    /**
     * Makes the log no longer end with an S record, if it does (a record that changes
     * nothing follows it: "E 0"), so the next load lists the folder whatever the mtimes say:
     * after a change that failed part way, new/ and cur/ may differ from the index within the
     * clock tick of the sync point.
     */
    void unsync() throws IOException {
        if (lastSynced != null) {
            write(List.of("E 0"), true);
            lastSynced = null;
        }
    }

    /**
     * Appends lines and fsyncs them before returning; returns where each line starts. A torn
     * tail (a crash mid-append) is cut off first; a failed write is cut off again, so the
     * next record starts on a line of its own.
     */
    long[] append(List<String> lines) throws IOException {
        lastSynced = null;
        return write(lines, true);
    }

    /** Appends hint records (R, C) without an fsync. */
    long[] appendHint(List<String> lines) throws IOException {
        lastSynced = null;
        return write(lines, false);
    }

    private long[] write(List<String> lines, boolean sync) throws IOException {
        StringBuilder sb = new StringBuilder();
        long[] starts = new long[lines.size()];
        int[] rel = new int[lines.size()];
        int i = 0;
        int at = 0;
        for (String l : lines) {
            rel[i++] = at;
            byte[] b = (l + "\n").getBytes(StandardCharsets.UTF_8);
            at += b.length;
            sb.append(l).append('\n');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            long end = cutTornTail(ch);
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            try {
                long pos = end;
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
                if (sync) {
                    ch.force(false);
                }
            } catch (IOException e) {
                try {
                    ch.truncate(end);
                } catch (IOException again) {
                    e.addSuppressed(again); // the next append cuts it
                }
                throw e;
            }
            for (int k = 0; k < starts.length; k++) {
                starts[k] = end + rel[k];
            }
        }
        return starts;
    }

    /** Truncates the file after its last newline (if it does not end with one); returns its length. */
    private long cutTornTail(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0 || lastByte(ch, size - 1) == '\n') {
            return size;
        }
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        long end = size;
        long keep = 0;
        search:
        while (end > 0) {
            long from = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - from));
            while (chunk.hasRemaining() && ch.read(chunk, from + chunk.position()) >= 0) {
                // read the whole chunk
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    keep = from + i + 1;
                    break search;
                }
            }
            end = from;
        }
        ch.truncate(keep);
        ch.force(false);
        LOG.warn("Cut a torn record ({} bytes) off the end of {}", size - keep, file);
        return keep;
    }

    private static byte lastByte(FileChannel ch, long pos) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        while (one.hasRemaining() && ch.read(one, pos) >= 0) {
            // one byte
        }
        return one.get(0);
    }

    /**
     * Rewrites the log as a V line, the live messages, the remembered expunges, the recent
     * mark and the cache positions, written beside the old log and renamed over it (a crash
     * leaves one or the other); the table's record positions move to the new log.
     * {@code files} gives each row's file (null: read from the current log).
     */
    void compact(State s, String[] files) throws IOException {
        lastSynced = null;
        MessageTable t = s.table;
        String[] names = files != null ? files : Files.exists(file) ? files(t) : new String[t.size()];
        Path tmp = file.resolveSibling(FILE + ".new");
        long[] pos = new long[t.size()];
        long cached = 0;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            Writer w = new Writer(ch);
            w.line("V " + s.uidValidity + " " + s.uidNext + " " + s.highestModSeq);
            for (int r = 0; r < t.size(); r++) {
                String name = names[r];
                pos[r] = w.line(added(t.uid(r), t.modSeq(r), t.messageSize(r), t.dateMillis(r), t.flags(r),
                        MaildirName.parse(name.substring(name.indexOf('/') + 1)).base(), name, t.keywords(r)));
            }
            for (int i = 0; i < s.tombstones.size(); i++) {
                w.line(expunged(s.tombstones.uid(i), s.tombstones.modSeq(i)));
            }
            if (s.tombstones.floor() > 0) {
                w.line("E " + s.tombstones.floor());
            }
            w.line(recent(s.recentFrom));
            for (int r = 0; r < t.size(); r++) {
                if (t.cachePos(r) >= 0) {
                    w.line(cached(t.uid(r), t.cachePos(r)));
                    cached++;
                }
            }
            w.flush();
            ch.force(false);
            s.lines = w.lines;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.syncDirectory(file.getParent());
        for (int r = 0; r < t.size(); r++) {
            t.setLogPos(r, pos[r]);
        }
        s.cacheRecords = cached;
    }

    /** Removes a half-written compaction left by a crash. */
    void removeStaleCompaction() throws IOException {
        Files.deleteIfExists(file.resolveSibling(FILE + ".new"));
    }

    /** Buffered writing that knows where each line starts. */
    private static final class Writer {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        private long pos;
        int lines;

        Writer(FileChannel ch) {
            this.ch = ch;
        }

        long line(String l) throws IOException {
            long start = pos;
            byte[] b = (l + "\n").getBytes(StandardCharsets.UTF_8);
            int off = 0;
            while (off < b.length) {
                if (!buf.hasRemaining()) {
                    flush();
                }
                int k = Math.min(buf.remaining(), b.length - off);
                buf.put(b, off, k);
                off += k;
            }
            pos += b.length;
            lines++;
            return start;
        }

        void flush() throws IOException {
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            buf.clear();
        }
    }

    /** Reads the log's complete lines with their positions; a line past {@link #MAX_LINE} comes with null text. */
    static final class LineReader implements AutoCloseable {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        private long bufStart;
        private byte[] line = new byte[256];

        LineReader(Path file) throws IOException {
            this(file, 0);
        }

        LineReader(Path file, long from) throws IOException {
            try {
                this.ch = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw e;
            }
            this.bufStart = from;
            buf.limit(0);
        }

        /** The next complete line, or null at the end (a torn last line is not returned). */
        Line next() throws IOException {
            long start = bufStart + buf.position();
            int len = 0;
            boolean tooLong = false;
            while (true) {
                if (!buf.hasRemaining()) {
                    bufStart += buf.position();
                    buf.clear();
                    int r = ch.read(buf, bufStart);
                    buf.flip();
                    if (r <= 0) {
                        return null;
                    }
                }
                byte b = buf.get();
                if (b == '\n') {
                    return new Line(start, tooLong ? null : new String(line, 0, len, StandardCharsets.UTF_8));
                }
                if (len == MAX_LINE) {
                    tooLong = true;
                    continue;
                }
                if (len == line.length) {
                    line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                }
                line[len++] = b;
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
