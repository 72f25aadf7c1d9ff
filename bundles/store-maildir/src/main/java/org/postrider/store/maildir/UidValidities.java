package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.postrider.api.store.StoreException;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out the UIDVALIDITYs of one user's folders: each above every one handed out or
 * retired before (the user's {@code postrider-uidvalidity-floor}, raised durably before the
 * value is used), so no two folders of a user share one, even when made in the same second,
 * and a value is never used again. That is what makes a name plus a UIDVALIDITY name one
 * folder for good: an undo or any later call by (name, UIDVALIDITY) after a RENAME swap is
 * refused instead of reaching the other folder. The clock is the start (values stay near
 * the epoch seconds RFC 3501 suggests); a burst of new folders runs ahead of it. A lost or
 * unreadable floor is found again as the highest value the user's folders and owner records
 * hold, so it never hands out one a folder has.
 * <p>
 * Each value a folder holds has an owner record, {@code postrider-uidvalidity-owners/VALUE}
 * naming the folder's directory ("." for INBOX): folders made by releases before the floor
 * may share a value, and the first of them to load owns it, the others are given new ones
 * ({@link #own}; clients resynchronise, as for any new UIDVALIDITY). The records also find a
 * folder by its UIDVALIDITY whatever it is called now ({@link #ownerDir}).
 * <p>
 * Issuing, retiring and owning hold {@code postrider-uidvalidity-lock} in the user's
 * directory, an OS lock (one at a time across store instances and processes too), behind a
 * lock of this JVM per user, so the threads of one JVM queue for it instead of polling it.
 */
final class UidValidities {
    private static final Logger LOG = LoggerFactory.getLogger(UidValidities.class);
    static final String FLOOR = "postrider-uidvalidity-floor";
    static final String LOCK = "postrider-uidvalidity-lock";
    static final String OWNERS = "postrider-uidvalidity-owners";
    /** The owner record's name for INBOX, whose directory is the user's. */
    static final String INBOX_DIR = ".";
    /**
     * The record of a value whose folder was deleted: no folder owns it, and a folder of an
     * earlier release that still carries it unclaimed must not take it over (it gets a new one).
     */
    static final String RETIRED = "-";

    /** The users whose lock a thread of this JVM holds or waits for; an entry lives while it is used. */
    private static final Map<Path, JvmLock> LOCKS = new HashMap<>();

    private static final class JvmLock {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    private UidValidities() {
    }

    /** What is done holding the user's lock. */
    @FunctionalInterface
    private interface Locked<T> {
        T run() throws IOException, StoreException;
    }

    /**
     * How long a holder of this JVM's lock waits for the OS lock: held by another process, or
     * by the store of an earlier revision of this bundle during an update, for a few small
     * durable writes. Longer means the other holder is stuck: a temporary failure then.
     */
    static final Duration OS_WAIT = Duration.ofSeconds(30);

    /**
     * Runs {@code action} holding this JVM's lock of the user, then the OS lock. This JVM's
     * threads wait their turn however long the queue: the lock is fair and each holder does a
     * few small durable writes and waits at most {@link #OS_WAIT}, so the wait ends; a deadline
     * here failed folder loads (a SELECT) only because many came at once (the first load of
     * every folder after an upgrade writes its owner record).
     */
    private static <T> T locked(Path userDir, Locked<T> action) throws IOException, StoreException {
        Path key = userDir.toAbsolutePath().normalize();
        JvmLock j;
        synchronized (LOCKS) {
            j = LOCKS.computeIfAbsent(key, k -> new JvmLock());
            j.users++;
        }
        try {
            j.lock.lockInterruptibly();
            try {
                FolderLock os = FolderLock.takeFile(userDir.resolve(LOCK), OS_WAIT);
                try {
                    return action.run();
                } finally {
                    os.release();
                }
            } finally {
                j.lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted waiting for the UIDVALIDITY lock", true, e);
        } finally {
            synchronized (LOCKS) {
                if (--j.users == 0) {
                    LOCKS.remove(key);
                }
            }
        }
    }

    /** A new UIDVALIDITY for a folder of the user at {@code userDir}, at least {@code atLeast}. */
    static long issue(Path userDir, long atLeast) throws IOException, StoreException {
        return locked(userDir, () -> issueLocked(userDir, atLeast));
    }

    private static long issueLocked(Path userDir, long atLeast) throws IOException {
        long v = Math.max(Math.max(1, Instant.now().getEpochSecond()), Math.max(floorOrFound(userDir) + 1, atLeast));
        writeFloor(userDir, v);
        return v;
    }

    /**
     * Raises the floor to a folder's UIDVALIDITY (one made before the floor counted every
     * folder) as its name becomes free, and drops the folder's owner record if it is deleted
     * ({@code movedTo} null) or moves it to its new directory.
     */
    static void retire(Path userDir, Path folderDir, long v, Path movedTo) throws IOException, StoreException {
        locked(userDir, () -> {
            if (v > floorOrFound(userDir)) {
                writeFloor(userDir, v);
            }
            if (v > 0 && dirName(userDir, folderDir).equals(owner(userDir, v))) {
                Path rec = userDir.resolve(OWNERS).resolve(Long.toString(v));
                if (movedTo == null) {
                    DurableFiles.write(rec, RETIRED.getBytes(StandardCharsets.UTF_8));
                } else { // written before the rename: a crash after it leaves a record the next load takes as stale
                    DurableFiles.write(rec, dirName(userDir, movedTo).getBytes(StandardCharsets.UTF_8));
                }
            }
            return null;
        });
    }

    /**
     * Makes {@code v} the UIDVALIDITY of the folder at {@code folderDir}, or, when another folder
     * of the user holds it (folders of earlier releases could share one), a new one: returns
     * the folder's value, which its {@code postrider-uidvalidity} file then says, durably, and
     * which is owned by it. The file is written before the record, so a folder that owns a
     * value always says it; a kill at any point leaves the folder with its old value or the
     * new one, never one another folder has (a new one is above the floor, raised first).
     */
    static long own(Path userDir, Path folderDir, long v) throws IOException, StoreException {
        if (dirName(userDir, folderDir).equals(owner(userDir, v)) && validityOf(folderDir) == v) {
            return v; // the load of a folder that owns its value: no lock (only its owner moves a record naming it)
        }
        return locked(userDir, () -> {
            String me = dirName(userDir, folderDir);
            String owner = owner(userDir, v);
            if (me.equals(owner) && validityOf(folderDir) == v) {
                return v;
            }
            long mine = v;
            if (retired(userDir, v)
                    || owner != null && !owner.equals(me) && validityOf(userDir.resolve(owner).normalize()) == v) {
                mine = issueLocked(userDir, v + 1); // v is the other folder's: it keeps it
                MaildirFolder.step.at("validity-issued");
                LOG.warn("UIDVALIDITY {} of {} is also that of {} (made by an earlier release); {} gets {}, its clients"
                        + " resynchronise", v, userDir.relativize(folderDir), owner, me, mine);
            }
            if (validityOf(folderDir) != mine) {
                DurableFiles.write(folderDir.resolve(MaildirFolder.UIDVALIDITY_FILE),
                        (mine + "\n").getBytes(StandardCharsets.UTF_8));
                MaildirFolder.step.at("validity-file");
            }
            DurableFiles.createDirectories(userDir.resolve(OWNERS));
            DurableFiles.write(userDir.resolve(OWNERS).resolve(Long.toString(mine)), me.getBytes(StandardCharsets.UTF_8));
            return mine;
        });
    }

    /** Whether the folder that owned {@code v} was deleted (its record says {@link #RETIRED}). */
    static boolean retired(Path userDir, long v) throws IOException {
        return RETIRED.equals(read(userDir.resolve(OWNERS).resolve(Long.toString(v))));
    }

    /**
     * The directory of the folder that owns {@code v}, if its record names one that still says
     * {@code v}; else null. An I/O error is thrown, not taken for "none".
     */
    static Path ownerDir(Path userDir, long v) throws IOException {
        String owner = owner(userDir, v);
        if (owner == null) {
            return null;
        }
        Path dir = userDir.resolve(owner).normalize();
        return validityOf(dir) == v ? dir : null;
    }

    /** The directory name an owner record keeps for a folder. */
    private static String dirName(Path userDir, Path folderDir) {
        return folderDir.normalize().equals(userDir.normalize()) ? INBOX_DIR : folderDir.getFileName().toString();
    }

    /**
     * The directory name the record of {@code v} names, or null if none (or one that names no
     * folder of the user). An I/O error is thrown: taken for "no owner", it would let a
     * folder take over the value of the folder that owns it.
     */
    private static String owner(Path userDir, long v) throws IOException {
        String s = read(userDir.resolve(OWNERS).resolve(Long.toString(v)));
        return s != null && (s.equals(INBOX_DIR) || (s.indexOf('/') < 0 && FolderNames.folderOf(s) != null)) ? s
                : null;
    }

    /**
     * The UIDVALIDITY a folder's file says; 0 if it has none (no file, or one that holds no
     * number: damage, which the folder's index and the owner records outlive). An I/O error is
     * thrown: taken for "none", it gave the folder a new UIDVALIDITY (its clients drop their
     * caches), or left its value out of the highest held, which could then be issued again.
     */
    static long validityOf(Path folderDir) throws IOException {
        String s = read(folderDir.resolve(MaildirFolder.UIDVALIDITY_FILE));
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Longest record or value file read: a folder's directory name is at most 255 octets. */
    private static final int MAX_READ = 4096;

    /**
     * A small file's text, or null if there is no such file; octets that are not UTF-8, or past
     * {@link #MAX_READ}, are damage, not an I/O error: they give text that names nothing.
     */
    private static String read(Path file) throws IOException {
        byte[] b;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes(MAX_READ + 1);
        } catch (NoSuchFileException e) {
            return null;
        }
        return b.length > MAX_READ ? "" : new String(b, StandardCharsets.UTF_8);
    }

    private static void writeFloor(Path userDir, long v) throws IOException {
        DurableFiles.write(userDir.resolve(FLOOR), (v + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The highest UIDVALIDITY handed out or retired for this user; 0 if none (or unreadable). */
    static long floor(Path userDir) {
        try {
            return Long.parseLong(Files.readString(userDir.resolve(FLOOR), StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The floor; when it is lost or unreadable, the highest value the user's folders (also
     * those being deleted) and owner records hold, written as the floor again (before a folder
     * holding it can be deleted), so a value a folder has is never handed out. Under the lock.
     */
    private static long floorOrFound(Path userDir) throws IOException {
        try {
            return Long.parseLong(Files.readString(userDir.resolve(FLOOR), StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            // a new user, or a lost floor
        } catch (IOException | NumberFormatException e) {
            LOG.warn("Unreadable {} of {}; starting from the highest UIDVALIDITY its folders hold", FLOOR,
                    userDir.getFileName());
        }
        long found = highestHeld(userDir);
        if (found > 0) {
            writeFloor(userDir, found);
        }
        return found;
    }

    private static long highestHeld(Path userDir) throws IOException {
        long max = validityOf(userDir);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(userDir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if ((n.startsWith(".") || n.startsWith(FolderTree.DELETED)) && Files.isDirectory(p)) {
                    max = Math.max(max, validityOf(p));
                }
            }
        } catch (NoSuchFileException e) {
            return 0;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(userDir.resolve(OWNERS))) {
            for (Path p : ds) {
                try {
                    max = Math.max(max, Long.parseLong(p.getFileName().toString()));
                } catch (NumberFormatException e) {
                    // a temporary of an interrupted write
                }
            }
        } catch (NoSuchFileException e) {
            // no records yet
        }
        return max;
    }
}
