package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder's high-water marks, in {@code postrider-highwater} beside the index: bounds that
 * every UID handed out stays below and every MODSEQ at or below, written durably before a
 * UID or MODSEQ past them is used (in steps of {@link #STEP}, so not at every change). A
 * rebuild that has lost the index starts from them and so never hands out a UID twice or
 * moves HIGHESTMODSEQ back. The file also holds the folder's id, which Postrider writes
 * into its message file names, so a rebuild knows a file moved in from another folder.
 *
 * @param uidNext the UIDs handed out are all below this
 * @param modSeq  the MODSEQs handed out are all at or below this
 * @param id      eight hex digits naming this folder
 */
record HighWater(long uidNext, long modSeq, String id) {
    private static final Logger LOG = LoggerFactory.getLogger(HighWater.class);
    static final String FILE = "postrider-highwater";
    static final long STEP = 1000;

    /** The marks on disk; null when there are none (or they cannot be read: then nothing is proven). */
    static HighWater load(Path folderDir) throws IOException {
        Path f = folderDir.resolve(FILE);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        String[] p = text.trim().split(" ");
        try {
            if (p.length == 3 && p[2].matches("[0-9a-f]{8}")) {
                return new HighWater(Long.parseLong(p[0]), Long.parseLong(p[1]), p[2]);
            }
        } catch (NumberFormatException e) {
            // below
        }
        LOG.warn("Unreadable {}; the next rebuild of this folder will change its UIDVALIDITY", f);
        return null;
    }

    static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /** Marks that cover {@code uidNext} and {@code modSeq} with a step to spare. */
    HighWater raisedTo(long uidNextNeeded, long modSeqNeeded) {
        return new HighWater(Math.max(uidNext, uidNextNeeded + STEP), Math.max(modSeq, modSeqNeeded + STEP), id);
    }

    boolean covers(long uidNextNeeded, long modSeqNeeded) {
        return uidNextNeeded <= uidNext && modSeqNeeded <= modSeq;
    }

    void write(Path folderDir) throws IOException {
        DurableFiles.write(folderDir.resolve(FILE),
                (uidNext + " " + modSeq + " " + id + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
