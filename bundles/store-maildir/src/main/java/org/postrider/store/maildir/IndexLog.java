package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.postrider.api.store.Flag;
import org.postrider.kit.durable.DurableFiles;

/**
 * A folder's index as an append-only log, fsynced per change and compacted when it grows:
 * <pre>
 * V uidvalidity uidnext highestmodseq
 * A uid modseq size date-ms flags base file [keyword...]
 * F uid modseq flags file [keyword...]
 * X uid modseq
 * </pre>
 * Names and keywords are escaped with {@link FolderNames#escape}. A torn last line (a crash
 * mid-append) is ignored; anything else unreadable makes the index be rebuilt from the
 * Maildir.
 */
final class IndexLog {
    static final String FILE = "postrider-index";

    /** The index's state after replaying the log. */
    static final class State {
        long uidValidity;
        long uidNext = 1;
        long highestModSeq;
        final TreeMap<Long, Msg> messages = new TreeMap<>();
        int lines;
    }

    private final Path file;

    IndexLog(Path folderDir) {
        this.file = folderDir.resolve(FILE);
    }

    /** Replays the log; null when there is none or it cannot be trusted. */
    State load() throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        State s = new State();
        int usable = lines.length - 1; // what follows the last \n is empty, or a torn append
        for (int i = 0; i < usable; i++) {
            String[] f = lines[i].split(" ");
            try {
                switch (f[0]) {
                    case "V" -> {
                        s.uidValidity = Long.parseLong(f[1]);
                        s.uidNext = Math.max(s.uidNext, Long.parseLong(f[2]));
                        s.highestModSeq = Math.max(s.highestModSeq, Long.parseLong(f[3]));
                    }
                    case "A" -> {
                        long uid = Long.parseLong(f[1]);
                        long modSeq = Long.parseLong(f[2]);
                        String base = FolderNames.unescape(f[6]);
                        Msg m = new Msg(uid, base, FolderNames.unescape(f[7]), Long.parseLong(f[3]),
                                MaildirName.flags(f[5]), keywords(f, 8), modSeq,
                                Instant.ofEpochMilli(Long.parseLong(f[4])), MaildirName.parse(base).deliveryKey());
                        s.messages.put(uid, m);
                        s.uidNext = Math.max(s.uidNext, uid + 1);
                        s.highestModSeq = Math.max(s.highestModSeq, modSeq);
                    }
                    case "F" -> {
                        long uid = Long.parseLong(f[1]);
                        long modSeq = Long.parseLong(f[2]);
                        Msg m = s.messages.get(uid);
                        if (m != null) {
                            s.messages.put(uid, m.withFlags(MaildirName.flags(f[3]), keywords(f, 5), modSeq,
                                    FolderNames.unescape(f[4])));
                        }
                        s.highestModSeq = Math.max(s.highestModSeq, modSeq);
                    }
                    case "X" -> {
                        s.messages.remove(Long.parseLong(f[1]));
                        s.highestModSeq = Math.max(s.highestModSeq, Long.parseLong(f[2]));
                    }
                    default -> {
                        return null;
                    }
                }
            } catch (RuntimeException e) {
                return null;
            }
            s.lines++;
        }
        return s.uidValidity > 0 ? s : null;
    }

    private static Set<String> keywords(String[] f, int from) {
        Set<String> k = new HashSet<>();
        for (int i = from; i < f.length; i++) {
            k.add(FolderNames.unescape(f[i]));
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

    /** Appends lines and fsyncs them before returning. */
    void append(List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        }
    }

    /** Rewrites the log as one V line and the live messages. */
    void compact(State s) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("V " + s.uidValidity + " " + s.uidNext + " " + s.highestModSeq);
        for (Msg m : s.messages.values()) {
            lines.add(added(m));
        }
        DurableFiles.write(file, String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
        s.lines = lines.size();
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
