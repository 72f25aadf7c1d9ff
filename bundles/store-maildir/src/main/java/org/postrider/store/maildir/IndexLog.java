package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.postrider.api.store.Flag;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder's index as an append-only log, fsynced per change and compacted when it grows:
 * <pre>
 * V uidvalidity uidnext highestmodseq
 * A uid modseq size date-ms flags base file [keyword...]
 * F uid modseq flags file [keyword...]
 * X uid modseq
 * S new-mtime-ns cur-mtime-ns
 * </pre>
 * An S record, appended when a folder is closed, says the index matched new/ and cur/ when
 * they had these mtimes; it counts only as the last record (anything after it is a change).
 * Names and keywords are escaped with {@link FolderNames#escape}. A torn last line (a crash
 * mid-append) is ignored when read and cut off before the next append, so a record is never
 * glued to a torn one. Anything else unreadable makes the log untrusted: what it still says
 * serves a rebuild as evidence (UIDNEXT, HIGHESTMODSEQ, keywords), not as the truth.
 */
final class IndexLog {
    private static final Logger LOG = LoggerFactory.getLogger(IndexLog.class);
    static final String FILE = "postrider-index";
    /** UIDs stay below this, IMAP's largest, so that UIDNEXT is one IMAP can say. */
    static final long MAX_UID = 0xFFFFFFFFL;

    /** The index's state after replaying the log. */
    static final class State {
        long uidValidity;
        long uidNext = 1;
        long highestModSeq;
        final TreeMap<Long, Msg> messages = new TreeMap<>();
        int lines;
        /** False when some record could not be read: then only evidence for a rebuild. */
        boolean trusted = true;
        /** mtimes of new/ and cur/ that the index matched, from a last S record; else null. */
        FileTime[] synced;
        private long bytes;

        void put(Msg m) {
            Msg old = messages.put(m.uid(), m);
            bytes += m.size() - (old == null ? 0 : old.size());
        }

        Msg remove(long uid) {
            Msg old = messages.remove(uid);
            if (old != null) {
                bytes -= old.size();
            }
            return old;
        }

        /** Bytes of all messages, kept as they come and go. */
        long bytes() {
            return bytes;
        }

        /** The messages by Maildir base name. */
        Map<String, Msg> byBase() {
            Map<String, Msg> m = new HashMap<>();
            for (Msg msg : messages.values()) {
                m.put(msg.base(), msg);
            }
            return m;
        }
    }

    private final Path file;
    /** The S record the log ends with, if it does. */
    private FileTime[] lastSynced;

    IndexLog(Path folderDir) {
        this.file = folderDir.resolve(FILE);
    }

    /**
     * Replays the log; null when there is none. A state that is not {@link State#trusted}
     * holds what could be read, record by record.
     */
    State load() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        // Bytes that are not UTF-8 (a bad disk) become U+FFFD and fail their record, not the read.
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        State s = new State();
        int usable = lines.length - 1; // what follows the last \n is empty, or a torn append
        for (int i = 0; i < usable; i++) {
            try {
                String[] f = lines[i].split(" ");
                s.synced = null;
                if (f[0].equals("S")) {
                    s.synced = new FileTime[] {FileTime.from(Long.parseLong(f[1]), TimeUnit.NANOSECONDS),
                        FileTime.from(Long.parseLong(f[2]), TimeUnit.NANOSECONDS)};
                } else {
                    replay(s, f);
                }
                s.lines++;
            } catch (RuntimeException e) {
                s.trusted = false;
            }
        }
        if (s.uidValidity <= 0) {
            s.trusted = false;
        }
        lastSynced = s.synced;
        return s;
    }

    private static void replay(State s, String[] f) {
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
                String file = FolderNames.unescape(f[7]);
                if (base == null || file == null) {
                    throw new IllegalArgumentException("bad name");
                }
                s.put(new Msg(uid, base, file, Long.parseLong(f[3]), MaildirName.flags(f[5]), keywords(f, 8), modSeq,
                        Instant.ofEpochMilli(Long.parseLong(f[4])), MaildirName.parse(base).deliveryKey()));
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
                Msg m = s.messages.get(uid);
                if (m != null) {
                    s.put(m.withFlags(MaildirName.flags(f[3]), keywords(f, 5), modSeq, file));
                }
                s.highestModSeq = Math.max(s.highestModSeq, modSeq);
            }
            case "X" -> {
                long uid = Long.parseLong(f[1]);
                checkUid(uid);
                s.remove(uid);
                s.uidNext = Math.max(s.uidNext, uid + 1);
                s.highestModSeq = Math.max(s.highestModSeq, Long.parseLong(f[2]));
            }
            default -> throw new IllegalArgumentException("unknown record " + f[0]);
        }
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

    static String added(Msg m) {
        return "A " + m.uid() + " " + m.modSeq() + " " + m.size() + " " + m.internalDate().toEpochMilli() + " "
                + flags(m.flags()) + " " + FolderNames.escape(m.base()) + " " + FolderNames.escape(m.file())
                + keywordList(m.keywords());
    }

    static String changed(Msg m) {
        return "F " + m.uid() + " " + m.modSeq() + " " + flags(m.flags()) + " " + FolderNames.escape(m.file())
                + keywordList(m.keywords());
    }

    private static String synced(FileTime[] mtimes) {
        return "S " + mtimes[0].to(TimeUnit.NANOSECONDS) + " " + mtimes[1].to(TimeUnit.NANOSECONDS);
    }

    static String expunged(long uid, long modSeq) {
        return "X " + uid + " " + modSeq;
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
     * Appends lines and fsyncs them before returning. A torn tail (a crash mid-append) is cut
     * off first; a failed write is cut off again, so the next record starts on a line of its own.
     */
    void append(List<String> lines) throws IOException {
        lastSynced = null;
        write(lines, true);
    }

    private void write(List<String> lines, boolean sync) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
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
        }
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

    /** Rewrites the log as one V line and the live messages. */
    void compact(State s) throws IOException {
        lastSynced = null;
        List<String> lines = new ArrayList<>();
        lines.add("V " + s.uidValidity + " " + s.uidNext + " " + s.highestModSeq);
        for (Msg m : s.messages.values()) {
            lines.add(added(m));
        }
        DurableFiles.write(file, String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
        s.lines = lines.size();
    }

}
