package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FlagResult;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.api.store.UidValidityChangedException;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Maildir folder with its index, loaded on first use and dropped again when the store
 * evicts it ({@link #tryClose}): after that every call throws {@link Evicted} and the caller
 * resolves the folder anew ({@link FolderHandle}), so one folder never has two writers.
 * The rules that keep UIDs honest:
 * <ul>
 * <li>a new message's index record is durable before its file appears in new/ or cur/, so
 *     a crash can leave a record without a file (then marked expunged) but never a file
 *     whose UID was handed out twice;</li>
 * <li>no UID or MODSEQ is used before the {@link HighWater} marks cover it;</li>
 * <li>a file the index does not know came from another Maildir tool: it gets the next
 *     UID; a record whose file is gone was removed by one: it is expunged;</li>
 * <li>only a rebuild (no trusted index) trusts the UID written in Postrider's own file names,
 *     and only where it can prove them unique: else it changes UIDVALIDITY.</li>
 * </ul>
 * Changes of other tools are looked for when new/ or cur/ changed their mtime since the
 * index last matched them; a change of another tool in the same moment as one of ours may
 * be seen only at the folder's next change. A file of another program is indexed from what
 * the listing gives (its name: flags, date); its size is counted when first asked for
 * ({@link #countSizes}) and recorded then, so opening a folder another program filled reads
 * no message file. In memory a message costs a row of {@link MessageTable}; file names are
 * read from the index log when needed.
 */
final class MaildirFolder {
    private static final Logger LOG = LoggerFactory.getLogger(MaildirFolder.class);
    static final String UIDVALIDITY_FILE = "postrider-uidvalidity";
    private static final int COMPACT_SLACK = 1000;
    /** Messages a copy or move handles at once (its memory is a batch's, whatever the UID set). */
    static volatile int transferBatch = 1000;
    /** tmp/ files untouched this long are left from a delivery that will not finish. */
    static final java.time.Duration STALE_TMP = java.time.Duration.ofHours(36);
    /** Keywords of one message, all together, at most this many characters (IMAP clients use a handful). */
    static final int MAX_KEYWORD_CHARS = 4096;

    /** Thrown by every call on a folder the store has evicted: resolve it again. */
    static final class Evicted extends RuntimeException {
        Evicted() {
            super("folder evicted from the cache", null, false, false);
        }
    }

    /**
     * For failure tests: told of each step of a change, it may throw an IOException (a failing
     * disk) or an Error (a crash). Steps: "target-records", "file", "files-moved" (copy, move);
     * "flag-file", "flag-records" (flag changes); "expunge-file"; "add-tmp", "add-record",
     * "add-file", "add-moved" (append, delivery); "undo-records" (what a failed copy or append
     * added taken back, its files removed); "compact" (the index log's compaction); "open-checked"
     * (loading, after the folder was found); "delete-closed" (a folder's deletion, its open
     * instances closed); "cache-wait" (a call waiting for a folder being deleted or renamed);
     * "validity-issued", "validity-file", "validity-owned" (a shared UIDVALIDITY replaced at load:
     * the new value issued, written to the folder's file, owned; {@link UidValidities#own});
     * "rename-owned" (a renamed folder's owner record moved, its directory not yet); "size-counted"
     * (sizes of a batch counted outside the lock, not yet recorded: {@link #countSizes}); "link"
     * (a copy's hard link about to be made: a failure takes the copying fallback); "copy-sized"
     * (the fallback's source opened and its size read, nothing copied yet); "file-checked"
     * (a message file stat'ed as a regular file, not yet opened: {@link RegularFiles});
     * "structure-parsed" (a message's structure parsed outside the lock, not yet cached).
     */
    @FunctionalInterface
    interface Step {
        void at(String step) throws IOException;

        Step NONE = s -> { };
    }

    static volatile Step step = Step.NONE;

    private final String user;
    private final String name;
    private final Path dir;
    private final String host;
    private final IndexLog log;
    private final StructureCache cache;
    private final FolderEvents events;
    private final UsageListener usage;
    private final StoreStats stats;
    /** Sizes counted by an instance of this folder evicted before it recorded them: shared by the store's folders. */
    private final CountedSizes carried;
    private final boolean exclusive;
    private final ReentrantLock lock = new ReentrantLock();
    // All below guarded by lock.
    private boolean closed;
    /** Held while the index is loaded, if {@code exclusive}. */
    private FolderLock osLock;
    private IndexLog.State state;
    private HighWater hwm;
    /** mtimes of new/ and cur/ when the index last matched them; null when unknown. */
    private FileTime[] synced;
    /** What the loaded index takes in memory, as of the last call (read by the cache without the lock). */
    private volatile long footprint;
    /** Sizes not counted yet as of the last call, or -1 when the index is not loaded: read without the lock. */
    private volatile int uncountedHint = -1;
    private long markModSeq;
    private long markBytes;
    private long markCount;
    private long markUncountedPutOrRemoved;
    /** A change failed part way and the index was dropped: load it again and reconcile it with the Maildir. */
    private boolean reload;
    /** A change is durable but the index in memory may not match the log (its compaction failed): dropped at unlock. */
    private boolean dropAtUnlock;

    /** Where a folder tells of its changes: once per call that changed it, after unlocking. */
    @FunctionalInterface
    interface FolderEvents {
        void changed(String user, String folder, long highestModSeq);

        FolderEvents NONE = (u, f, m) -> { };
    }

    MaildirFolder(String user, String name, Path dir, String host) {
        this(user, name, dir, host, FolderEvents.NONE, UsageListener.NONE, new StoreStats(), false);
    }

    /**
     * @param exclusive hold the folder's OS lock ({@link FolderLock}) while the index is loaded;
     *                  false only in tests that play a crash by opening a folder again beside itself
     */
    MaildirFolder(String user, String name, Path dir, String host, FolderEvents events, UsageListener usage,
            StoreStats stats, boolean exclusive) {
        this(user, name, dir, host, events, usage, stats, new CountedSizes(), exclusive);
    }

    /** @param carried where sizes counted by an evicted instance of the folder wait for the next ({@link CountedSizes}) */
    MaildirFolder(String user, String name, Path dir, String host, FolderEvents events, UsageListener usage,
            StoreStats stats, CountedSizes carried, boolean exclusive) {
        this.user = user;
        this.name = name;
        this.dir = dir;
        this.host = host;
        this.log = new IndexLog(dir);
        this.cache = new StructureCache(dir);
        this.events = events;
        this.usage = usage;
        this.stats = stats;
        this.carried = carried;
        this.exclusive = exclusive;
    }

    /** Creates the Maildir directories of a folder (for a new folder, or a delivery into one). */
    static void createDirectories(Path dir, boolean inbox) throws IOException {
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            DurableFiles.createDirectories(dir.resolve(sub));
        }
        if (!inbox && !Files.exists(dir.resolve("maildirfolder"))) {
            DurableFiles.write(dir.resolve("maildirfolder"), new byte[0]);
        }
    }

    Path dir() {
        return dir;
    }

    String name() {
        return name;
    }

    // ---- locking and life cycle

    /** Takes the lock, loading the index if needed; pair with {@link #release}. */
    private void acquire() throws StoreException {
        lock.lock();
        stats.calls.increment();
        if (closed) {
            lock.unlock();
            throw new Evicted();
        }
        if (state != null) {
            mark();
            return;
        }
        try {
            open(); // marks once the index is loaded, before it is reconciled: what that finds is told
            reload = false;
        } catch (IOException | RuntimeException | StoreException e) {
            state = null;
            synced = null;
            releaseOsLock();
            lock.unlock();
            if (!(e instanceof NoSuchFolderException)) {
                // a reconcile may have appended rows before the failure (a compaction, the
                // UIDVALIDITY's ownership): the next load finds them in the log, told to no one
                usage.stale(user);
            }
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open folder " + name + " of " + user + ": " + e.getMessage(), true, e);
        }
    }

    private void mark() {
        markModSeq = state.highestModSeq;
        markBytes = state.table.bytes();
        markCount = state.table.size();
        markUncountedPutOrRemoved = state.table.uncountedPutOrRemoved();
    }

    /** Unlocks, then tells listeners what changed (never under the lock). */
    private void release() {
        unlock().run();
    }

    /** Unlocks; returns the telling of listeners, to be run once no folder lock is held. */
    private Runnable unlock() {
        long modSeq = state == null ? markModSeq : state.highestModSeq;
        boolean changed = modSeq != markModSeq;
        long bytes = state == null ? 0 : state.table.bytes() - markBytes;
        long count = state == null ? 0 : state.table.size() - markCount;
        // A size counted is not told as a change: a kept usage is a sum that counted every size,
        // so a size counted after it is one that came uncounted since (which made it stale, below),
        // or one counted again (its record lost). So a message that came uncounted makes a kept
        // usage stale (it leaves the message out), and so does one removed uncounted (the usage
        // may hold its size, counted before its record was lost): summed again when next asked.
        // Each such row counts, not the net change: one may come as another is counted.
        boolean uncountedCame = state != null
                && state.table.uncountedPutOrRemoved() != markUncountedPutOrRemoved;
        markModSeq = modSeq;
        if (dropAtUnlock) {
            dropAtUnlock = false;
            forgetIndex();
        }
        footprint = state == null ? 0 : state.table.footprint() + state.tombstones.footprint();
        uncountedHint = state == null ? -1 : state.table.uncounted();
        lock.unlock();
        return () -> {
            if (uncountedCame) {
                usage.stale(user);
            }
            if (changed) {
                events.changed(user, name, modSeq);
            }
            if (bytes != 0 || count != 0) {
                usage.changed(user, bytes, count);
            }
        };
    }

    /** Whether the index is in memory (waits for a call that uses it). */
    boolean loaded() {
        lock.lock();
        try {
            return state != null;
        } finally {
            lock.unlock();
        }
    }

    /** For tests: whether a call waits for this folder's lock. */
    boolean hasQueuedCallers() {
        return lock.hasQueuedThreads();
    }

    /** Bytes the open index takes in memory (0 when not loaded), as of the end of the last call. */
    long footprint() {
        return footprint;
    }

    /** Drops the folder from memory unless a call is using it now; true if it is closed. */
    boolean tryClose() {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            closeLocked();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops the folder from memory, waiting for a call that uses it. */
    void close() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked() {
        if (state != null && synced != null) {
            try { // so that opening it again needs no listing if nothing changes meanwhile
                log.appendSynced(synced);
            } catch (IOException e) {
                LOG.debug("Cannot note the sync point of {} {}", user, name, e);
            }
        }
        closed = true;
        state = null;
        footprint = 0;
        uncountedHint = -1;
        releaseOsLock();
    }

    /**
     * Forgets the index in memory after a change failed part way, when what is in memory may
     * say what is not on disk or miss what is: the next call loads it again from the log and
     * reconciles it with the Maildir, as a restart would, instead of serving the stale rows
     * (FETCH does not look at the Maildir again). Under the lock.
     */
    private void drop(String change, Exception e) {
        LOG.warn("{} in {} {} failed part way; its index is loaded again from disk: {}", change, user, name,
                e.toString());
        forgetIndex();
    }

    private void forgetIndex() {
        try {
            log.unsync(); // for a later instance too, should this one be evicted before its next call
        } catch (IOException e) {
            LOG.debug("Cannot mark the index of {} {} out of sync", user, name, e);
        }
        state = null;
        synced = null;
        reload = true;
        footprint = 0;
        uncountedHint = -1;
        releaseOsLock();
        usage.stale(user); // the usage told so far may be off by what the failed change did
    }

    /**
     * Compacts the log if it has grown, after a change that is durable already: a failure is
     * not the change's (the caller must not repeat it), only the index is loaded again.
     */
    private void compactAfterChange() {
        try {
            maybeCompact();
        } catch (IOException e) {
            LOG.warn("Compacting the index of {} {} failed; it is loaded again from disk: {}", user, name,
                    e.toString());
            dropAtUnlock = true;
        }
    }

    /** The mtimes of new/ and cur/, or null (not in sync: the next call lists them) if they cannot be read. */
    private FileTime[] mtimesOrNull() {
        try {
            return mtimes();
        } catch (IOException e) {
            return null;
        }
    }

    private void releaseOsLock() {
        if (osLock != null) {
            try {
                osLock.release();
            } catch (IOException e) {
                LOG.warn("Cannot release the lock of {} {}", user, name, e);
            }
            osLock = null;
        }
    }

    private void open() throws IOException, StoreException {
        stats.loads.increment();
        boolean inbox = name.equals(FolderNames.INBOX);
        if (!inbox && !Files.isDirectory(dir.resolve("cur"))) {
            throw new NoSuchFolderException(name); // deleted or renamed meanwhile
        }
        step.at("open-checked");
        createDirectories(dir, inbox); // what another tool may have removed (tmp/)
        if (exclusive) {
            osLock = FolderLock.take(dir, FolderLock.WAIT);
        }
        log.removeStaleCompaction();
        hwm = HighWater.load(dir);
        IndexLog.State s = log.load();
        if (s != null && s.trusted) {
            state = s;
            reserve(state, 0, 0); // marks of an index of the first releases
            synced = reload ? null : s.synced; // after a failed change, look whatever the mtimes say
            if (!reload) {
                // what other programs did while the folder was closed is a change of this call: a
                // user's usage kept since it was summed (the folder open then) learns it at unlock
                mark();
            } // else the marks stay those of the last call, so listeners learn what the reload changed
            if (!inSync()) {
                reconcile();
            }
        } else {
            if (s != null) {
                LOG.warn("Index of {} {} is damaged; rebuilding it from the Maildir", user, name);
            }
            boolean indexedBefore = s != null || hwm != null; // else a new folder: no usage had it
            state = rebuild(s, false);
            if (!reload) {
                mark();
            }
            if (indexedBefore) {
                usage.stale(user);
            } else if (state.table.size() > 0) {
                usage.firstIndexed(user); // another program made it with mail: a usage summed before missed it
            }
        }
        ownValidity();
    }

    /**
     * Makes the folder's UIDVALIDITY its own ({@link UidValidities#own}): one that another
     * folder of the user holds too (both made by an earlier release) is replaced by a new
     * one, which the file says first and the index then; a file ahead of the index is a
     * replacement a kill cut short, and its value is the folder's.
     */
    private void ownValidity() throws IOException {
        long v = Math.max(UidValidities.validityOf(dir), state.uidValidity);
        long mine;
        try {
            mine = UidValidities.own(userDir(), dir, v);
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (mine != state.uidValidity) {
            step.at("validity-owned");
            state.uidValidity = mine;
            log.compact(state, null);
        }
    }

    /** The user's directory: INBOX's. */
    private Path userDir() {
        return name.equals(FolderNames.INBOX) ? dir : dir.getParent();
    }

    /** Raises the high-water marks, durably, before UIDs or MODSEQs past them are used. */
    private void reserve(IndexLog.State s, long uids, long modSeqs) throws IOException {
        long u = s.uidNext + uids;
        long m = s.highestModSeq + modSeqs;
        if (hwm == null || !hwm.covers(u, m)) {
            HighWater next = (hwm != null ? hwm : new HighWater(0, 0, HighWater.newId())).raisedTo(u, m);
            next.write(dir);
            hwm = next;
        }
    }

    private void checkValidity(long expected) throws UidValidityChangedException {
        if (expected != 0 && expected != state.uidValidity) {
            throw new UidValidityChangedException("UIDVALIDITY of " + name + " is now " + state.uidValidity);
        }
    }

    // ---- rebuild and reconcile

    /**
     * Builds the index from the Maildir: the UIDs in Postrider's file names are kept where
     * they are provably unique, other files get new UIDs. With a trusted index as evidence
     * (store:reindex), a name's UID is kept if the index gives it to the same file. Without,
     * it is kept if the name is of this folder, no other name claims the UID, and it lies
     * below the high-water mark; a duplicate or a UID past the mark (or past IMAP's 32-bit
     * UIDs) gets a new UID and changes UIDVALIDITY. UIDNEXT and HIGHESTMODSEQ never go below
     * the marks or what the evidence says; keywords come from the evidence. The new log
     * replaces the old one by an atomic rename, so a crash mid-rebuild leaves the old one.
     */
    private IndexLog.State rebuild(IndexLog.State evidence, boolean trusted) throws IOException {
        Scan scan = scan();
        Path validityFile = dir.resolve(UIDVALIDITY_FILE);
        boolean hadValidity = Files.exists(validityFile);
        long validity = loadOrCreateUidValidity();
        Map<String, long[]> known = evidence == null ? Map.of() : knownBases(evidence); // base -> uid, row
        long floorUid = 1;
        long floorModSeq = 0;
        boolean proven;
        if (trusted) {
            floorUid = evidence.uidNext;
            floorModSeq = evidence.highestModSeq;
            proven = true;
        } else {
            proven = hwm != null;
            if (hwm != null) {
                floorUid = hwm.uidNext();
                floorModSeq = hwm.modSeq();
            }
            if (evidence != null) {
                floorUid = Math.max(floorUid, evidence.uidNext);
                floorModSeq = Math.max(floorModSeq, evidence.highestModSeq);
            }
        }
        String id = hwm == null ? null : hwm.id();
        TreeMap<Long, String> kept = new TreeMap<>();
        List<String> fresh = new ArrayList<>();
        List<String> bases = new ArrayList<>(scan.files().keySet());
        bases.sort(null);
        for (String base : bases) {
            MaildirName n = MaildirName.parse(fileName(scan.files().get(base)));
            long uid = n.uid();
            String from = n.folderId();
            if (uid > 0 && from != null && !from.equals(id)) {
                uid = -1; // moved in from another folder: a new message here
            } else if (trusted) {
                long[] m = known.get(base);
                if (m == null || m[0] != uid) {
                    uid = -1; // not this UID's message by the index (expunged, or another tool's file)
                }
            } else if (uid > 0 && kept.containsKey(uid)) {
                proven = false;
                uid = -1;
            } else if (uid >= IndexLog.MAX_UID || (uid > 0 && hwm != null && uid >= floorUid)) {
                // A UID this folder's marks say it never handed out, or past IMAP's 32 bits: taken
                // from the name it could push UIDNEXT out of range (or overflow it) for good.
                proven = false;
                uid = -1;
            } else if (uid >= floorUid) {
                proven = false; // no marks: the name's UID is kept, under a new UIDVALIDITY
            }
            if (uid > 0) {
                kept.put(uid, base);
            } else {
                fresh.add(base);
            }
        }
        if (!proven && hadValidity) {
            long old = validity;
            validity = newUidValidity(old + 1);
            DurableFiles.write(validityFile, (validity + "\n").getBytes(StandardCharsets.UTF_8));
            LOG.warn("{} {}: the UIDs in the Maildir cannot be proven unique without the index; UIDVALIDITY {} -> {},"
                    + " clients resynchronise", user, name, old, validity);
        }
        IndexLog.State s = new IndexLog.State();
        s.uidValidity = validity;
        s.uidNext = Math.max(floorUid, kept.isEmpty() ? 1 : kept.lastKey() + 1);
        s.highestModSeq = floorModSeq + 1;
        s.recentFrom = evidence == null ? 1 : Math.min(evidence.recentFrom, s.uidNext);
        if (trusted) { // the expunges it remembers still hold
            for (int i = 0; i < evidence.tombstones.size(); i++) {
                s.tombstones.add(evidence.tombstones.uid(i), evidence.tombstones.modSeq(i));
            }
            s.tombstones.raiseFloor(evidence.tombstones.floor());
        } else if (evidence != null || hwm != null) {
            s.tombstones.raiseFloor(s.highestModSeq); // an index was lost: what vanished before is not known
        }
        List<String> files = new ArrayList<>();
        for (Map.Entry<Long, String> e : kept.entrySet()) {
            files.add(addRebuilt(s, e.getKey(), e.getValue(), scan, evidence, known));
        }
        for (String base : fresh) {
            files.add(addRebuilt(s, s.uidNext++, base, scan, evidence, known));
        }
        reserve(s, 0, 0);
        cache.delete(); // its records were keyed by UIDs that may have changed
        log.compact(s, files.toArray(String[]::new));
        synced = scan.mtimes();
        LOG.info("Rebuilt index of {} {}: {} messages, UIDVALIDITY {}, UIDNEXT {}", user, name, s.table.size(),
                s.uidValidity, s.uidNext);
        return s;
    }

    /** The evidence's messages by base name: {uid, row}; empty if the log cannot say. */
    private Map<String, long[]> knownBases(IndexLog.State evidence) {
        try {
            String[] files = log.files(evidence.table);
            Map<String, long[]> m = new HashMap<>();
            for (int r = 0; r < files.length; r++) {
                m.put(MaildirName.parse(fileName(files[r])).base(), new long[] {evidence.table.uid(r), r});
            }
            return m;
        } catch (IOException e) {
            LOG.warn("Index of {} {} cannot name its files; rebuilding without it", user, name, e);
            return Map.of();
        }
    }

    private String addRebuilt(IndexLog.State s, long uid, String base, Scan scan, IndexLog.State evidence,
            Map<String, long[]> known) throws IOException {
        String file = scan.files().get(base);
        MaildirName n = MaildirName.parse(fileName(file));
        long[] before = known.get(base);
        Set<String> keywords = before == null ? Set.of() : evidence.table.keywords((int) before[1]);
        // another program's file is counted again when asked for (store:reindex: sizes an earlier release gave)
        s.table.put(uid, s.highestModSeq, namedSize(n), dateOf(n, file), MessageTable.bits(n.flags()), keywords,
                MessageTable.key(n.deliveryKey()), -1);
        return file;
    }

    private static String fileName(String file) {
        return file.substring(file.indexOf('/') + 1);
    }

    private long loadOrCreateUidValidity() throws IOException {
        Path f = dir.resolve(UIDVALIDITY_FILE);
        if (Files.exists(f)) {
            try {
                return Long.parseLong(Files.readString(f).trim());
            } catch (NumberFormatException e) {
                LOG.warn("Unreadable {}; a new UIDVALIDITY makes clients resynchronise", f);
            }
        }
        long v = newUidValidity(1);
        DurableFiles.write(f, (v + "\n").getBytes(StandardCharsets.UTF_8));
        return v;
    }

    /** A UIDVALIDITY no folder of the user had or has ({@link UidValidities}); the user's dir is INBOX's. */
    private long newUidValidity(long atLeast) throws IOException {
        try {
            return UidValidities.issue(userDir(), atLeast);
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** What a scan found: base name to "new/NAME" or "cur/NAME", and the mtimes seen before listing. */
    private record Scan(Map<String, String> files, FileTime[] mtimes) {
    }

    /** Lists new/ and cur/ (directories only, no message file is read), and clears tmp/ of what was left there. */
    private Scan scan() throws IOException {
        stats.scans.increment();
        removeStaleTemporaries();
        FileTime[] before = mtimes();
        Map<String, String> files = new HashMap<>();
        for (String sub : new String[] {"new", "cur"}) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve(sub))) {
                for (Path p : ds) {
                    String fn = p.getFileName().toString();
                    if (fn.startsWith(".")) {
                        continue;
                    }
                    files.put(MaildirName.parse(fn).base(), sub + "/" + fn);
                }
            }
        }
        return new Scan(files, before);
    }

    /**
     * Removes tmp/ files untouched for {@link #STALE_TMP} (Maildir's convention): a delivery cut
     * by a crash, or one whose folder was renamed under it, left them; a writer touches its file
     * all the while it writes.
     */
    private void removeStaleTemporaries() {
        Instant before = Instant.now().minus(STALE_TMP);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("tmp"))) {
            for (Path p : ds) {
                try {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(p).toInstant().isBefore(before)) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    LOG.debug("Cannot remove {}", p, e);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot list tmp/ of {} {}", user, name, e);
        }
    }

    private FileTime[] mtimes() throws IOException {
        return new FileTime[] {Files.getLastModifiedTime(dir.resolve("new")),
                Files.getLastModifiedTime(dir.resolve("cur"))};
    }

    /** Whether new/ and cur/ are as the index last saw them (nothing else touched them). */
    private boolean inSync() throws IOException {
        return synced != null && Arrays.equals(synced, mtimes());
    }

    /**
     * The size a name proves, with no look at the file: the ",S=" of a name Postrider wrote
     * (its files are stored as served); else {@link MessageTable#UNCOUNTED}: the file is another
     * program's, whose ",S=" is its length on disk, not the CRLF size served, and it is
     * counted when first asked for ({@link #countSizes}).
     */
    private static long namedSize(MaildirName n) {
        long size = n.size();
        return size >= 0 && n.deliveryKey() != null ? size : MessageTable.UNCOUNTED;
    }

    /**
     * A message file's size as served, counted now: a name whose ",W=" (the CRLF size, as
     * Dovecot writes it) equals the file's length says the file is stored as served, which a
     * stat confirms without opening it (served as stored, the size holds whatever the file
     * holds, so a wrong claim cannot desync a client); else the size of the file's CRLF view
     * ({@link CrlfView}), read once, as other programs may write bare LFs, up to the length
     * stat'ed. Only a regular file is opened (the stat does not follow links): a FIFO would
     * block the open for good, a link could point at a device read without end, or at a file
     * of another user; anything else fails ({@link NotRegularFileException}). With a {@code budget}
     * (octets left to read), a file longer than what is left is not read: -1.
     */
    private long countSize(Path path, Object key, long[] budget) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new NotRegularFileException(path);
        }
        long length = a.size();
        long virtual = MaildirName.parse(path.getFileName().toString()).virtualSize();
        if (virtual >= 0 && virtual == length) {
            stats.sizesNamed.increment();
            return virtual;
        }
        if (budget != null) {
            if (length > budget[0]) {
                return MessageTable.UNCOUNTED;
            }
            budget[0] -= length;
        }
        stats.sizesRead.increment();
        stats.sizeBytesRead.add(length);
        return CrlfView.size(path, length, key); // its checkpoints kept for the message's partial reads
    }

    /** The key of a message's {@link CrlfView} checkpoints. */
    private List<Object> viewKey(long validity, long uid) {
        return List.of(dir, validity, uid);
    }

    private long dateOf(MaildirName n, String file) throws IOException {
        try {
            return Long.parseLong(n.base().substring(0, n.base().indexOf('.'))) * 1000;
        } catch (RuntimeException e) {
            return Files.getLastModifiedTime(dir.resolve(file)).toMillis();
        }
    }

    /**
     * Brings the index in line with what other Maildir tools did to the folder; whether they did
     * anything. The sizes of a few new files (a foreign delivery agent's) are counted now, as a
     * delivery's are known, so a user's usage kept for quotas is told of them and stays kept;
     * more at once (a migration into an indexed folder), files past {@link #COUNT_AT_ONCE_BYTES}
     * read, and what is not a regular file are left to their first demand ({@link #countSizes}),
     * as at a folder's first indexing (which makes a kept usage stale: see {@link #unlock}).
     */
    private boolean reconcile() throws IOException {
        Scan scan = scan();
        Map<String, String> files = scan.files();
        MessageTable t = state.table;
        String[] names = log.files(t);
        Set<String> known = new HashSet<>();
        List<Integer> gone = new ArrayList<>();
        List<Integer> moved = new ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            String base = MaildirName.parse(fileName(names[r])).base();
            known.add(base);
            String file = files.get(base);
            if (file == null) {
                gone.add(r);
            } else if (!file.equals(names[r])) {
                moved.add(r);
            }
        }
        List<String> foreign = new ArrayList<>();
        for (String base : files.keySet()) {
            if (!known.contains(base)) {
                foreign.add(base);
            }
        }
        foreign.sort(null);
        if (!gone.isEmpty() || !moved.isEmpty() || !foreign.isEmpty()) {
            reserve(state, foreign.size(), gone.size() + moved.size() + foreign.size());
        }
        List<String> lines = new ArrayList<>();
        List<Runnable> apply = new ArrayList<>(); // after the append: rows need the records' positions
        long[] goneUids = new long[gone.size()];
        for (int i = 0; i < gone.size(); i++) {
            long uid = t.uid(gone.get(i));
            long ms = ++state.highestModSeq;
            goneUids[i] = uid;
            lines.add(IndexLog.expunged(uid, ms));
            state.tombstones.add(uid, ms);
        }
        List<long[]> changedRows = new ArrayList<>(); // row, modSeq, bits, line index
        for (int r : moved) {
            String file = files.get(MaildirName.parse(fileName(names[r])).base());
            int bits = MessageTable.bits(MaildirName.parse(fileName(file)).flags());
            long ms = bits == t.flagBits(r) ? t.modSeq(r) : ++state.highestModSeq;
            changedRows.add(new long[] {r, ms, bits, lines.size()});
            lines.add(IndexLog.changed(t.uid(r), ms, MessageTable.flagsOf(bits), file, t.keywords(r)));
        }
        List<long[]> addedRows = new ArrayList<>(); // uid, modSeq, size, date, bits, key, line index
        boolean countNow = foreign.size() <= COUNT_AT_ONCE;
        long[] budget = {COUNT_AT_ONCE_BYTES};
        for (String base : foreign) {
            String file = files.get(base);
            MaildirName n = MaildirName.parse(fileName(file));
            long uid = state.uidNext++;
            long ms = ++state.highestModSeq;
            long size = namedSize(n);
            if (size < 0 && countNow) {
                size = countNew(file, uid, budget);
            }
            long date = dateOf(n, file);
            addedRows.add(new long[] {uid, ms, size, date, MessageTable.bits(n.flags()),
                MessageTable.key(n.deliveryKey()), lines.size()});
            lines.add(IndexLog.added(uid, ms, size, date, n.flags(), base, file, Set.of()));
        }
        if (!lines.isEmpty()) {
            long[] pos = log.append(lines);
            state.lines += lines.size();
            for (long[] c : changedRows) {
                int r = (int) c[0];
                t.change(r, c[1], (int) c[2], t.keywords(r), pos[(int) c[3]]);
            }
            for (long[] a : addedRows) {
                t.put(a[0], a[1], a[2], a[3], (int) a[4], Set.of(), a[5], pos[(int) a[6]]);
            }
            t.remove(UidSet.of(goneUids));
            LOG.info("Reconciled {} {} with the Maildir: {} changes", user, name, lines.size());
        }
        maybeCompact();
        synced = scan.mtimes();
        return !lines.isEmpty();
    }

    /** New files of other programs whose sizes {@link #reconcile} counts at once, at most. */
    static final int COUNT_AT_ONCE = 1024;
    /**
     * Octets of new files of other programs {@link #reconcile} reads at once to count their
     * sizes, at most: it reads under the folder's lock (and the folder's OS lock when it loads,
     * a quota stripe when a delivery does), so a few large files are left to their first demand.
     */
    static final long COUNT_AT_ONCE_BYTES = 8L << 20;

    /**
     * The size of a new file of another program, counted as it is indexed if it fits the
     * {@code budget} of octets left to read; one gone, unreadable or not a regular file is
     * left uncounted (to its first demand: it fails only what needs it).
     */
    private long countNew(String file, long uid, long[] budget) {
        try {
            return countSize(dir.resolve(file), viewKey(state.uidValidity, uid), budget);
        } catch (IOException e) {
            LOG.debug("Cannot count the size of {} in {} {} now", file, user, name, e);
            return MessageTable.UNCOUNTED;
        }
    }

    private void maybeCompact() throws IOException {
        if (state.lines > 2L * state.table.size() + COMPACT_SLACK) {
            long live = 0;
            for (int r = 0; r < state.table.size(); r++) {
                live += state.table.cachePos(r) >= 0 ? 1 : 0;
            }
            if (state.cacheRecords > 2 * live + COMPACT_SLACK) { // mostly records of expunged messages
                for (int r = 0; r < state.table.size(); r++) {
                    state.table.setCachePos(r, -1);
                }
                cache.delete();
            }
            step.at("compact");
            log.compact(state, null);
        }
    }

    // ---- reading

    /** Opens the folder (loading its index) if it is not open. */
    void touch() throws StoreException {
        acquire();
        release();
    }

    /** Picks up changes other tools made, if new/ or cur/ changed since the index last matched them. */
    void refresh() throws StoreException {
        acquire();
        try {
            if (!inSync()) {
                reconcile();
            }
        } catch (IOException | RuntimeException e) {
            drop("reconciling with the Maildir", e);
            throw new StoreException("cannot read folder " + name + ": " + e.getMessage(), true, e);
        } finally {
            release();
        }
    }

    /**
     * Rebuilds the index from the Maildir (store:reindex), keeping the UIDs, UIDNEXT and
     * keywords the current index proves; the new log is written beside the old one and
     * renamed over it.
     */
    void reindex() throws StoreException {
        acquire();
        try {
            LOG.info("Reindexing {} {} ({} messages)", user, name, state.table.size());
            state = rebuild(state, true);
        } catch (IOException | RuntimeException e) {
            drop("reindexing", e);
            throw new StoreException("reindex of " + name + " failed: " + e.getMessage(), true, e);
        } finally {
            release();
        }
    }

    FolderSummary summary() throws StoreException {
        return summary(true);
    }

    /** The counters; without {@code bytes}, the octets are -1 while some size is not counted (nothing is read). */
    FolderSummary summary(boolean bytes) throws StoreException {
        if (bytes) {
            countSizes(0, null);
        }
        acquire();
        try {
            if (bytes) {
                countLocked(null);
            }
            MessageTable t = state.table;
            long firstUnseen = 0;
            for (int r = 0; r < t.size() && t.unseen() > 0; r++) {
                if ((t.flagBits(r) & MessageTable.SEEN) == 0) {
                    firstUnseen = t.uid(r);
                    break;
                }
            }
            long recent = t.size() - t.rowAtOrAbove(state.recentFrom);
            return new FolderSummary(name, state.uidValidity, state.uidNext, state.highestModSeq, t.size(), t.unseen(),
                    recent, firstUnseen, t.uncounted() > 0 ? -1 : t.bytes());
        } finally {
            release();
        }
    }

    long uidValidity() throws StoreException {
        acquire();
        try {
            return state.uidValidity;
        } finally {
            release();
        }
    }

    UidSet uids(long validity) throws StoreException {
        acquire();
        try {
            checkValidity(validity);
            return state.table.uids();
        } finally {
            release();
        }
    }

    List<MessageMeta> messages(long validity, UidSet uids) throws StoreException {
        return messages(validity, uids, true);
    }

    /** Without {@code sizes}, a size not counted yet is {@link MessageTable#UNCOUNTED} and no file is read. */
    List<MessageMeta> messages(long validity, UidSet uids, boolean sizes) throws StoreException {
        if (sizes) {
            countSizes(validity, uids);
        }
        acquire();
        try {
            checkValidity(validity);
            if (sizes) {
                countLocked(uids);
            }
            MessageTable t = state.table;
            List<MessageMeta> list = new ArrayList<>();
            for (int i = 0; i < uids.rangeCount(); i++) {
                for (int r = t.rowAtOrAbove(uids.rangeFrom(i)); r < t.size() && t.uid(r) <= uids.rangeTo(i); r++) {
                    list.add(t.meta(r));
                }
            }
            return list;
        } finally {
            release();
        }
    }

    Changes changesSince(long validity, long modSeq) throws StoreException {
        return changesSince(validity, modSeq, true);
    }

    /** Without {@code sizes}, as {@link #messages(long, UidSet, boolean)}. */
    Changes changesSince(long validity, long modSeq, boolean sizes) throws StoreException {
        acquire();
        try {
            checkValidity(validity);
            if (sizes) { // counted here, under the lock: no caller of this project asks so
                countChangedLocked(modSeq);
            }
            boolean exact = modSeq >= state.tombstones.floor();
            if (exact && modSeq >= state.highestModSeq) { // every change and expunge takes a MODSEQ above the last
                return new Changes(state.uidValidity, state.highestModSeq, List.of(), UidSet.empty(), true);
            }
            MessageTable t = state.table;
            List<MessageMeta> changed = new ArrayList<>();
            for (int r = 0; r < t.size(); r++) {
                if (t.modSeq(r) > modSeq) {
                    changed.add(t.meta(r));
                }
            }
            UidSet vanished;
            if (exact) {
                vanished = state.tombstones.since(modSeq);
            } else { // every UID below UIDNEXT that is not here: a superset
                UidSet.Builder b = new UidSet.Builder();
                long next = 1;
                for (int r = 0; r < t.size(); r++) {
                    b.addRange(next, t.uid(r) - 1);
                    next = t.uid(r) + 1;
                }
                b.addRange(next, state.uidNext - 1);
                vanished = b.build();
            }
            return new Changes(state.uidValidity, state.highestModSeq, changed, vanished, exact);
        } finally {
            release();
        }
    }

    /** Rounds of {@link #countChangedLocked}: each count may list the folder, which may change rows again. */
    private static final int CHANGED_COUNT_ROUNDS = 4;

    /**
     * Counts the sizes of the messages changed since {@code modSeq}. A count that lists the
     * folder again ({@link #countLocked}: a file gone) may add messages or give a renamed one a
     * new MODSEQ, changed since too: so it counts until none of them is uncounted, a few rounds
     * at most (then the call fails, temporarily, rather than answer a size not counted).
     */
    private void countChangedLocked(long modSeq) throws StoreException {
        for (int round = 0; state.table.uncounted() > 0; round++) {
            MessageTable t = state.table;
            UidSet.Builder b = new UidSet.Builder();
            for (int r = 0; r < t.size(); r++) {
                if (t.modSeq(r) > modSeq && t.messageSize(r) < 0) {
                    b.add(t.uid(r));
                }
            }
            UidSet uncounted = b.build();
            if (uncounted.isEmpty()) {
                return;
            }
            if (round == CHANGED_COUNT_ROUNDS) {
                throw new StoreException("folder " + name + " keeps changing while its sizes are counted", true);
            }
            countLocked(uncounted);
        }
    }

    UidSet claimRecent(long validity) throws StoreException {
        acquire();
        try {
            checkValidity(validity);
            MessageTable t = state.table;
            UidSet.Builder b = new UidSet.Builder();
            for (int r = t.rowAtOrAbove(state.recentFrom); r < t.size(); r++) {
                b.add(t.uid(r));
            }
            if (state.recentFrom < state.uidNext) {
                state.recentFrom = state.uidNext;
                log.appendHint(List.of(IndexLog.recent(state.recentFrom)));
                state.lines++;
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            drop("claiming recent messages", e);
            throw new StoreException("cannot note recent messages of " + name + ": " + e.getMessage(), true, e);
        } finally {
            release();
        }
    }

    /**
     * Bytes and messages, kept as messages come and go (sizes not counted yet are counted now).
     * A name that is not a regular file (a link of a mairix or notmuch search folder, a FIFO) is
     * never served: it is a message of 0 bytes here, left uncounted, so it cannot fail the quota
     * checks of its user (every delivery deferred). A kept usage is made stale when it goes (it
     * leaves uncounted); a regular file put in its place under the same name, which no Maildir
     * tool does (a message's file never changes), is missed by a kept usage until its next sum.
     */
    long[] usage() throws StoreException {
        countSizes(0, null);
        acquire();
        try {
            countLocked(null, true);
            return new long[] {state.table.bytes(), state.table.size()};
        } finally {
            release();
        }
    }

    /** The size of a message (counted now if it was not), or -1 if it has been expunged. */
    long size(long validity, long uid) throws StoreException {
        countSizes(validity, UidSet.of(uid));
        acquire();
        try {
            checkValidity(validity);
            countLocked(UidSet.of(uid));
            int r = state.table.row(uid);
            return r < 0 ? -1 : state.table.messageSize(r);
        } finally {
            release();
        }
    }

    /** Sizes {@link #countSizes} counts at once: the memory of one batch, whatever the folder. */
    static final int COUNT_BATCH = 1024;

    /**
     * Counts the sizes of the messages of {@code uids} (all, when null) not counted yet, files
     * of other programs indexed from their names alone, and records them ({@link IndexLog}'s Z
     * hints), so each is counted once. A batch at a time: its files are found under the lock,
     * read after it (a long count holds up no other caller of the folder), and the sizes are
     * recorded under it again for the messages still there (a message's file never changes,
     * so a size counted meanwhile by another caller, or across a compaction of the log, is the
     * same). A kill before the record loses only the counting. A file gone meanwhile (renamed
     * by a flag change, removed by another program) is left to {@link #countLocked}, which the
     * caller's locked call runs next. Costs no turn at the lock when the last call left no
     * size uncounted. Sizes counted when the folder is evicted before they are recorded are
     * kept ({@link CountedSizes}) and recorded by the folder opened again, at the start of
     * this call restarted on it.
     */
    void countSizes(long validity, UidSet uids) throws StoreException {
        if (uncountedHint != 0) {
            CountedSizes.Batch before = carried.take(dir);
            if (before != null) {
                record(before.uidValidity(), before.uids(), before.sizes(), before.n());
            }
        }
        long[] batch = null;
        long[] pos = null;
        long after = 0;
        while (uncountedHint != 0) { // -1: not loaded, look
            int n = 0;
            String[] names;
            long uidValidity;
            acquire();
            try {
                checkValidity(validity);
                MessageTable t = state.table;
                if (t.uncounted() > 0) {
                    if (batch == null) {
                        batch = new long[COUNT_BATCH];
                        pos = new long[COUNT_BATCH];
                    }
                    n = uncountedRows(uids, after, batch, pos);
                }
                if (n == 0) {
                    return;
                }
                names = log.filesAt(pos, batch, n);
                uidValidity = state.uidValidity;
            } catch (IOException e) {
                throw new StoreException("cannot read the index of " + name + ": " + e.getMessage(), true, e);
            } finally {
                release();
            }
            after = batch[n - 1];
            long[] sizes = new long[n];
            Arrays.fill(sizes, MessageTable.UNCOUNTED);
            try {
                for (int i = 0; i < n; i++) {
                    if (names[i] != null) {
                        try {
                            sizes[i] = countSize(dir.resolve(names[i]), viewKey(uidValidity, batch[i]), null);
                        } catch (NoSuchFileException e) {
                            // renamed or removed meanwhile: countLocked finds it under the lock
                        } catch (NotRegularFileException e) {
                            // left uncounted, the batch goes on: it fails only the calls that need its size
                        }
                    }
                }
                step.at("size-counted");
            } catch (IOException e) {
                record(uidValidity, batch, sizes, n); // what was counted before
                throw new StoreException("cannot read a message of " + name + ": " + e.getMessage(), true, e);
            }
            record(uidValidity, batch, sizes, n);
        }
    }

    /** {@link #recordSizes}; if this folder was evicted meanwhile, the sizes are kept for its next instance. */
    private void record(long uidValidity, long[] uids, long[] sizes, int n) throws StoreException {
        try {
            recordSizes(uidValidity, uids, sizes, n);
        } catch (Evicted e) {
            carried.put(dir, new CountedSizes.Batch(uidValidity, Arrays.copyOf(uids, n), Arrays.copyOf(sizes, n), n));
            throw e;
        }
    }

    /**
     * Up to a batch of the messages of {@code uids} (all, when null) above UID {@code after}
     * whose sizes are not counted: their UIDs and the positions of their records; how many.
     */
    private int uncountedRows(UidSet uids, long after, long[] batch, long[] pos) {
        MessageTable t = state.table;
        int n = 0;
        int ranges = uids == null ? 1 : uids.rangeCount();
        for (int i = 0; i < ranges && n < batch.length; i++) {
            long to = uids == null ? IndexLog.MAX_UID : uids.rangeTo(i);
            if (to <= after) {
                continue;
            }
            long from = Math.max(uids == null ? 1 : uids.rangeFrom(i), after + 1);
            for (int r = t.rowAtOrAbove(from); r < t.size() && t.uid(r) <= to && n < batch.length; r++) {
                if (t.messageSize(r) < 0) {
                    batch[n] = t.uid(r);
                    pos[n++] = t.logPos(r);
                }
            }
        }
        return n;
    }

    /**
     * Records the sizes counted outside the lock ({@code sizes[i]} of {@code uids[i]}, -1: none)
     * of the messages still here, if their UIDs still name them (UIDVALIDITY unchanged).
     */
    private void recordSizes(long uidValidity, long[] uids, long[] sizes, int n) throws StoreException {
        acquire();
        try {
            MessageTable t = state.table;
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < n && state.uidValidity == uidValidity; i++) {
                int r = sizes[i] < 0 ? -1 : t.row(uids[i]);
                if (r >= 0 && t.messageSize(r) < 0) { // not expunged, nor counted by another caller meanwhile
                    t.setSize(r, sizes[i]);
                    markBytes += sizes[i]; // a count is no change of the user's usage (see unlock)
                    lines.add(IndexLog.counted(uids[i], sizes[i]));
                }
            }
            appendCounted(lines);
        } finally {
            release();
        }
    }

    /**
     * Appends Z hints (under the lock, their sizes in the table already). A failure loses only
     * the record: the size stays in memory, and is counted again after a reload.
     */
    private void appendCounted(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            log.appendHint(lines);
            state.lines += lines.size();
        } catch (IOException e) {
            // kept in memory; a kept usage then leans on the rule of unlock (removed uncounted: stale)
            LOG.warn("Cannot record counted sizes in the index of {} {}; they are counted again after a reload: {}",
                    user, name, e.toString());
        }
    }

    /**
     * Counts under the lock the sizes of {@code uids} (all, when null) still not counted: those
     * whose files {@link #countSizes} found gone, or that came after it looked. A file gone
     * now was renamed or removed by another program: the folder is listed again
     * ({@link #reconcile}), as at any change of theirs, which expunges the message or finds its
     * file's new name; a file listed but still not there after that fails the call (temporary).
     * Rows change when it lists: call it before looking rows up.
     */
    private void countLocked(UidSet uids) throws StoreException {
        countLocked(uids, false);
    }

    /** As {@link #countLocked(UidSet)}; with {@code skipIrregular}, a name not a regular file is left uncounted. */
    private void countLocked(UidSet uids, boolean skipIrregular) throws StoreException {
        for (int round = 0; state.table.uncounted() > 0; round++) {
            MessageTable t = state.table;
            List<String> lines = new ArrayList<>();
            long vanished = -1;
            long uid = 0;
            try {
                int ranges = uids == null ? 1 : uids.rangeCount();
                for (int i = 0; i < ranges; i++) {
                    long to = uids == null ? IndexLog.MAX_UID : uids.rangeTo(i);
                    for (int r = t.rowAtOrAbove(uids == null ? 1 : uids.rangeFrom(i)); r < t.size() && t.uid(r) <= to;
                            r++) {
                        if (t.messageSize(r) >= 0) {
                            continue;
                        }
                        uid = t.uid(r);
                        try {
                            t.setSize(r, countSize(pathLocked(uid), viewKey(state.uidValidity, uid), null));
                            markBytes += t.messageSize(r); // no change of usage, as in recordSizes
                            lines.add(IndexLog.counted(uid, t.messageSize(r)));
                        } catch (NoSuchFileException e) {
                            vanished = uid;
                        } catch (NotRegularFileException e) {
                            if (!skipIrregular) {
                                throw e;
                            }
                        }
                        if (lines.size() == COUNT_BATCH) {
                            appendCounted(lines);
                            lines.clear();
                        }
                    }
                }
            } catch (IOException e) {
                throw new StoreException("cannot read message " + uid + " of " + name + ": " + e.getMessage(), true, e);
            } finally {
                appendCounted(lines);
            }
            if (vanished < 0) {
                return;
            }
            if (round == 2) {
                throw new StoreException("the file of message " + vanished + " of " + name
                        + " is listed but cannot be opened", true);
            }
            try {
                reconcile();
            } catch (IOException | RuntimeException e) {
                drop("reconciling with the Maildir", e);
                throw new StoreException("cannot read folder " + name + ": " + e.getMessage(), true, e);
            }
        }
    }

    /** The message's file now (flag changes rename it). */
    Path path(long uid) throws StoreException, IOException {
        acquire();
        try {
            return pathLocked(uid);
        } finally {
            release();
        }
    }

    /**
     * The message's file as it is named now, with its size (counted now if it was not, as
     * {@link #size} does) and its {@link CrlfView} key, to be opened after the lock is released
     * ({@link StoredContent}): an open that waits (a FIFO put in the file's place, see
     * {@link RegularFiles}) then holds up no other caller of the folder. A flag change (a
     * rename) before the open makes it fail with NoSuchFileException: ask again. Null if the
     * message has been expunged; UidValidityChangedException if the folder is not the one of
     * {@code validity} (renamed away, another made under its name). {@code missing}: the file
     * the last lookup gave, which was not there (else null); if the index still names it,
     * another program removed or renamed it, and the folder is reconciled first (its
     * directories' times may not show it), so a removed message is found expunged.
     */
    MessageFile file(long validity, long uid, Path missing) throws StoreException, IOException {
        acquire();
        try {
            checkValidity(validity);
            countLocked(UidSet.of(uid));
            if (missing != null && state.table.row(uid) >= 0 && pathLocked(uid).equals(missing)) {
                try {
                    reconcile();
                } catch (IOException | RuntimeException e) {
                    drop("reconciling with the Maildir", e);
                    throw new StoreException("cannot read folder " + name + ": " + e.getMessage(), true, e);
                }
            }
            int r = state.table.row(uid);
            if (r < 0) {
                return null; // expunged
            }
            return new MessageFile(pathLocked(uid), state.table.messageSize(r), viewKey(state.uidValidity, uid));
        } finally {
            release();
        }
    }

    private Path pathLocked(long uid) throws IOException {
        int r = state.table.row(uid);
        if (r < 0) {
            throw new NoSuchFileException("message " + uid + " has been expunged");
        }
        stats.lookups.increment();
        return dir.resolve(log.fileAt(state.table.logPos(r), uid));
    }

    /** The cached structure record of a message, or null (then parse it and {@link #cacheStructure}). */
    byte[] cachedStructure(long validity, long uid) throws StoreException {
        acquire();
        try {
            checkValidity(validity);
            int r = state.table.row(uid);
            return r < 0 || state.table.cachePos(r) < 0 ? null : cache.read(state.table.cachePos(r), uid);
        } catch (IOException e) {
            return null;
        } finally {
            release();
        }
    }

    /** In {@link #cachedStructures}' positions: the message has been expunged. */
    static final long EXPUNGED = -2;

    /**
     * Where the cached structures of {@code uids[from, to)} lie, into {@code positions} (-1:
     * not cached, {@link #EXPUNGED}), and the cache opened now to read them after the lock is
     * released ({@link StructureCache#reader}); null when there is no cache file. With
     * {@code files}, also each message's file as it is named now (null if expunged), read from
     * the index in one pass ({@link IndexLog#filesAt}), for opening after the lock is released:
     * a search that reads the text of many messages takes the lock once per batch, not twice
     * per message, and opens no message file under it.
     */
    StructureCache.Reader cachedStructures(long validity, long[] uids, int from, int to, long[] positions,
            MessageFile[] files) throws StoreException, IOException {
        UidSet batch = null;
        if (files != null) { // the files' sizes are served with them
            UidSet.Builder b = new UidSet.Builder();
            for (int i = from; i < to; i++) {
                b.add(uids[i]);
            }
            batch = b.build();
            countSizes(validity, batch);
        }
        acquire();
        try {
            checkValidity(validity);
            if (batch != null) {
                countLocked(batch);
            }
            MessageTable t = state.table;
            long[] logPos = files == null ? null : new long[to - from];
            for (int i = from; i < to; i++) {
                int r = t.row(uids[i]);
                positions[i - from] = r < 0 ? EXPUNGED : t.cachePos(r);
                if (logPos != null) {
                    logPos[i - from] = r < 0 ? -1 : t.logPos(r);
                }
            }
            if (files != null) {
                long[] some = Arrays.copyOfRange(uids, from, to);
                String[] names = log.filesAt(logPos, some, some.length);
                for (int i = 0; i < some.length; i++) {
                    int r = names[i] == null ? -1 : t.row(some[i]);
                    files[i] = r < 0 ? null : new MessageFile(dir.resolve(names[i]), t.messageSize(r),
                            viewKey(state.uidValidity, some[i]));
                }
            }
            return cache.reader();
        } finally {
            release();
        }
    }

    /**
     * Keeps a parsed structure for next time; a message expunged meanwhile is skipped, and so is
     * a folder not of {@code validity} (renamed away, another made under its name since the parse).
     */
    void cacheStructure(long validity, long uid, byte[] data) throws StoreException {
        acquire();
        try {
            int r = state.table.row(uid);
            if (r < 0 || validity != 0 && validity != state.uidValidity) {
                return;
            }
            long pos = cache.append(uid, data);
            state.table.setCachePos(r, pos);
            state.cacheRecords++;
            log.appendHint(List.of(IndexLog.cached(uid, pos)));
            state.lines++;
        } catch (IOException e) {
            LOG.debug("Cannot cache the structure of {} in {} {}", uid, user, name, e);
        } finally {
            release();
        }
    }

    /** Calls {@code each} with every UID of {@code within} (all, when null) whose index data passes {@code test}. */
    void scan(long validity, UidSet within, RowTest test, LongConsumer each) throws StoreException {
        scan(validity, within, false, test, each);
    }

    /** As {@link #scan(long, UidSet, RowTest, LongConsumer)}; with {@code sizes}, the sizes the test reads are counted. */
    void scan(long validity, UidSet within, boolean sizes, RowTest test, LongConsumer each) throws StoreException {
        if (sizes) {
            countSizes(validity, within);
        }
        acquire();
        try {
            checkValidity(validity);
            if (sizes) {
                countLocked(within);
            }
            MessageTable t = state.table;
            if (within == null) {
                for (int r = 0; r < t.size(); r++) {
                    if (test.test(t, r)) {
                        each.accept(t.uid(r));
                    }
                }
                return;
            }
            for (int i = 0; i < within.rangeCount(); i++) { // the rows of each range: one UID costs a lookup
                for (int r = t.rowAtOrAbove(within.rangeFrom(i)); r < t.size() && t.uid(r) <= within.rangeTo(i); r++) {
                    if (test.test(t, r)) {
                        each.accept(t.uid(r));
                    }
                }
            }
        } finally {
            release();
        }
    }

    /** A test of one row of the index. */
    @FunctionalInterface
    interface RowTest {
        boolean test(MessageTable t, int row);
    }

    // ---- changing

    /** The UID of the message delivered with this delivery key, or -1 if there is none. */
    long delivered(String deliveryKey) throws StoreException {
        acquire();
        try {
            long key = MessageTable.key(deliveryKey);
            int r = key == 0 ? -1 : state.table.rowOfDeliveryKey(key);
            if (r >= 0 && Files.exists(pathLocked(state.table.uid(r)))) {
                return state.table.uid(r);
            }
            return -1;
        } catch (IOException e) {
            throw new StoreException("cannot read folder " + name + ": " + e.getMessage(), true, e);
        } finally {
            release();
        }
    }

    /** Delivers idempotently per delivery key; returns the UID. */
    long deliver(MessageContent content, String deliveryKey) throws StoreException {
        long existing = delivered(deliveryKey);
        if (existing > 0) {
            return existing;
        }
        return add(content, Set.of(), Set.of(), Instant.now(), deliveryKey, 0, true)[1];
    }

    /** Appends a message; returns {UIDVALIDITY, UID}. */
    long[] append(long validity, MessageContent content, Set<Flag> flags, Set<String> keywords, Instant internalDate)
            throws StoreException {
        checkKeywords(keywords);
        return add(content, flags, keywords, internalDate, randomKey(), validity, false);
    }

    static String randomKey() {
        String key = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        return key.substring(0, 16);
    }

    private static void checkKeywords(Set<String> keywords) throws StoreException {
        int chars = 0;
        for (String k : keywords) {
            chars += k.length() + 1;
        }
        if (chars > MAX_KEYWORD_CHARS) {
            throw new StoreException("too many keywords", false);
        }
    }

    private String newBase(long dateSec, String key, long uid, long size) {
        return dateSec + ".M" + (System.nanoTime() / 1000 % 1_000_000_000L) + "Q" + key + "F" + hwm.id() + "U" + uid
                + "." + host + ",S=" + size;
    }

    private static String fileFor(String base, Set<Flag> flags, Set<String> keywords) {
        boolean seenByClient = !flags.isEmpty() || !keywords.isEmpty();
        return seenByClient ? "cur/" + new MaildirName(base, flags).curName() : "new/" + base;
    }

    /** @param idempotent a delivery: if the key was stored meanwhile (a delivery beside us), that UID answers */
    private long[] add(MessageContent content, Set<Flag> flags, Set<String> keywords, Instant date, String key,
            long validity, boolean idempotent) throws StoreException {
        Path tmp = dir.resolve("tmp").resolve(date.getEpochSecond() + ".M" + System.nanoTime() + "Q" + key + "."
                + host);
        try {
            // Written and fsynced outside the lock: a big message does not hold up the folder.
            long size;
            try {
                size = writeTemporary(tmp, content);
            } catch (NoSuchFileException e) {
                // The folder was deleted (then the folder says so, and makes no directory; it may
                // be there again already, made anew by a CREATE or a delivery: a new folder, which
                // the caller's retry finds) or another tool removed tmp/ (then, under the lock of
                // the open folder, which a deletion would have closed, tmp/ is made again).
                acquire();
                try {
                    DurableFiles.createDirectories(tmp.getParent());
                } finally {
                    release();
                }
                size = writeTemporary(tmp, content);
            }
            step.at("add-tmp");
            acquire();
            List<Long> recorded = new ArrayList<>(1); // the UID, once its record is durable
            try {
                checkValidity(validity);
                long key64 = MessageTable.key(key);
                int earlier = idempotent && key64 != 0 ? state.table.rowOfDeliveryKey(key64) : -1;
                if (earlier >= 0 && Files.exists(pathLocked(state.table.uid(earlier)))) {
                    return new long[] {state.uidValidity, state.table.uid(earlier)}; // a delivery beside us won
                }
                boolean quiet = inSync();
                reserve(state, 1, 1);
                long uid = state.uidNext++;
                long modSeq = ++state.highestModSeq;
                String base = newBase(date.getEpochSecond(), key, uid, size);
                String file = fileFor(base, flags, keywords);
                // The record first, then the file: see the class comment.
                synced = null;
                step.at("add-record");
                long[] pos = log.append(List.of(IndexLog.added(uid, modSeq, size, date.toEpochMilli(), flags, base,
                        file, keywords)));
                recorded.add(uid);
                state.lines++;
                state.table.put(uid, modSeq, size, date.toEpochMilli(), MessageTable.bits(flags), keywords,
                        MessageTable.key(key), pos[0]);
                step.at("add-file");
                DurableFiles.move(tmp, dir.resolve(file));
                step.at("add-moved");
                DurableFiles.syncDirectory(dir.resolve(file).getParent());
                long[] added = {state.uidValidity, uid};
                compactAfterChange();
                synced = quiet ? mtimesOrNull() : null;
                return added;
            } catch (IOException | RuntimeException e) {
                // Refused to the caller, so taken back now: a record (and maybe a file not made
                // durable) left for the next load would show a UID for a missing file, or keep
                // a message the client was told failed and will send again.
                undoAdded(recorded, "storing a message", e);
                drop("storing a message", e);
                throw e;
            } finally {
                release();
            }
        } catch (IOException e) {
            throw new StoreException("cannot store message in " + name + ": " + e.getMessage(), true, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // tmp/ is cleaned by Maildir convention anyway
            }
        }
    }

    private static long writeTemporary(Path tmp, MessageContent content) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                InputStream in = content.open()) {
            OutputStream out = Channels.newOutputStream(ch);
            long size = in.transferTo(out);
            out.flush();
            ch.force(true);
            return size;
        }
    }

    FlagResult changeFlags(long validity, UidSet uids, FlagChange change, Set<Flag> flags, Set<String> keywords,
            long unchangedSince) throws StoreException {
        checkKeywords(keywords);
        List<MessageMeta> result = new ArrayList<>();
        UidSet.Builder failed = new UidSet.Builder();
        countSizes(validity, uids); // the result tells each message with its size
        acquire();
        try {
            checkValidity(validity);
            countLocked(uids);
            MessageTable t = state.table;
            boolean quiet = inSync();
            synced = null;
            List<String> lines = new ArrayList<>();
            List<long[]> rows = new ArrayList<>(); // row, modSeq, bits, keyword-set index in sets
            List<Set<String>> sets = new ArrayList<>();
            int changes = 0;
            for (int i = 0; i < uids.rangeCount(); i++) {
                for (int r = t.rowAtOrAbove(uids.rangeFrom(i)); r < t.size() && t.uid(r) <= uids.rangeTo(i); r++) {
                    if (unchangedSince >= 0 && t.modSeq(r) > unchangedSince) {
                        failed.add(t.uid(r));
                        continue;
                    }
                    int bits = MessageTable.bits(flags);
                    Set<String> k = new HashSet<>();
                    switch (change) {
                        case REPLACE -> k.addAll(keywords);
                        case ADD -> {
                            bits |= t.flagBits(r);
                            k.addAll(t.keywords(r));
                            k.addAll(keywords);
                        }
                        case REMOVE -> {
                            bits = t.flagBits(r) & ~bits;
                            k.addAll(t.keywords(r));
                            k.removeAll(keywords);
                        }
                    }
                    if (bits == t.flagBits(r) && k.equals(t.keywords(r))) {
                        result.add(t.meta(r)); // nothing changes, so neither does its MODSEQ
                        continue;
                    }
                    rows.add(new long[] {r, -1, bits, sets.size()});
                    sets.add(k);
                    changes++;
                }
            }
            reserve(state, 0, changes);
            List<String> names = new ArrayList<>();
            for (long[] row : rows) {
                int r = (int) row[0];
                String old = log.fileAt(t.logPos(r), t.uid(r));
                Set<Flag> f = MessageTable.flagsOf((int) row[2]);
                String file = old.startsWith("new/") && f.isEmpty() && sets.get((int) row[3]).isEmpty() ? old
                        : "cur/" + new MaildirName(MaildirName.parse(fileName(old)).base(), f).curName();
                if (!file.equals(old)) {
                    DurableFiles.move(dir.resolve(old), dir.resolve(file));
                }
                step.at("flag-file");
                row[1] = ++state.highestModSeq;
                names.add(file);
                lines.add(IndexLog.changed(t.uid(r), row[1], f, file, sets.get((int) row[3])));
            }
            if (!lines.isEmpty()) {
                step.at("flag-records");
                long[] pos = log.append(lines);
                state.lines += lines.size();
                for (int i = 0; i < rows.size(); i++) {
                    long[] row = rows.get(i);
                    int r = (int) row[0];
                    t.change(r, row[1], (int) row[2], sets.get((int) row[3]), pos[i]);
                    result.add(t.meta(r));
                }
                compactAfterChange();
            }
            result.sort((a, b) -> Long.compare(a.uid(), b.uid()));
            synced = quiet ? mtimesOrNull() : null;
        } catch (IOException | RuntimeException e) {
            drop("changing flags", e);
            throw new StoreException("cannot change flags in " + name + ": " + e.getMessage(), true, e);
        } finally {
            release();
        }
        return new FlagResult(result, failed.build());
    }

    UidSet expunge(long validity, UidSet uids) throws StoreException {
        acquire();
        try {
            checkValidity(validity);
            MessageTable t = state.table;
            boolean quiet = inSync();
            synced = null;
            List<Long> present = new ArrayList<>();
            for (int i = 0; i < uids.rangeCount(); i++) {
                for (int r = t.rowAtOrAbove(uids.rangeFrom(i)); r < t.size() && t.uid(r) <= uids.rangeTo(i); r++) {
                    present.add(t.uid(r));
                }
            }
            if (present.isEmpty()) {
                return UidSet.empty();
            }
            reserve(state, 0, present.size());
            Set<Path> dirs = new HashSet<>();
            for (long uid : present) {
                Path p = pathLocked(uid);
                Files.deleteIfExists(p);
                dirs.add(p.getParent());
                step.at("expunge-file");
            }
            for (Path d : dirs) {
                DurableFiles.syncDirectory(d);
            }
            recordExpunged(present);
            compactAfterChange();
            synced = quiet ? mtimesOrNull() : null;
            return UidSet.of(present);
        } catch (IOException | RuntimeException e) {
            drop("expunging", e);
            throw new StoreException("cannot expunge in " + name + ": " + e.getMessage(), true, e);
        } finally {
            release();
        }
    }

    /** Writes X records for messages whose files are gone, and drops their rows (under the lock, marks reserved). */
    private void recordExpunged(List<Long> uids) throws IOException {
        List<String> lines = new ArrayList<>();
        for (long uid : uids) {
            long ms = ++state.highestModSeq;
            lines.add(IndexLog.expunged(uid, ms));
            state.tombstones.add(uid, ms);
        }
        log.append(lines);
        state.lines += lines.size();
        state.table.remove(UidSet.of(uids));
    }

    // ---- copy and move

    /**
     * Copies or moves messages from {@code src} to {@code dst} (two folders of one user, on
     * one file system). The target's records are durable before its files appear (as for a
     * delivery); a move then renames each file into the target, an atomic step, and only
     * then writes the source's expunge records: after a crash at any point each message is in
     * exactly one folder (a source record whose file was renamed away is expunged when the
     * source is next opened; a target record whose file never came is expunged in the target).
     * Both folders are locked, in the order of their paths, so two transfers cannot deadlock.
     *
     * @return {target UIDVALIDITY, source UIDs..., target UIDs...} as a UidMap
     */
    static org.postrider.api.store.UidMap transfer(MaildirFolder src, long validity, UidSet uids, MaildirFolder dst,
            boolean move) throws StoreException {
        if (src == dst) {
            throw new StoreException("source and target are the same folder", false);
        }
        src.countSizes(validity, uids); // the target's names and records carry them
        MaildirFolder first = src.dir.compareTo(dst.dir) < 0 ? src : dst;
        MaildirFolder second = first == src ? dst : src;
        first.acquire();
        Runnable tellSecond = () -> { };
        try {
            second.acquire();
            try {
                return src.transferLocked(validity, uids, dst, move);
            } finally {
                tellSecond = second.unlock(); // listeners are told once neither lock is held
            }
        } finally {
            Runnable tellFirst = first.unlock();
            tellSecond.run();
            tellFirst.run();
        }
    }

    private org.postrider.api.store.UidMap transferLocked(long validity, UidSet uids, MaildirFolder dst, boolean move)
            throws StoreException {
        checkValidity(validity);
        countLocked(uids);
        UidSet.Builder source = new UidSet.Builder();
        UidSet.Builder target = new UidSet.Builder();
        List<Long> recorded = new ArrayList<>(); // target UIDs with a durable record, also of a batch cut short
        try {
            boolean srcQuiet = inSync();
            boolean dstQuiet = dst.inSync();
            boolean any = false;
            long after = 0;
            for (List<Integer> rows; !(rows = nextRows(uids, after)).isEmpty(); ) {
                if (!any) {
                    synced = null;
                    dst.synced = null;
                    any = true;
                }
                after = state.table.uid(rows.get(rows.size() - 1));
                transferRows(rows, dst, move, source, target, recorded);
            }
            if (any) {
                if (move) {
                    compactAfterChange();
                }
                dst.compactAfterChange();
                synced = srcQuiet ? mtimesOrNull() : null;
                dst.synced = dstQuiet ? dst.mtimesOrNull() : null;
            }
            return new org.postrider.api.store.UidMap(dst.state.uidValidity, source.build(), target.build());
        } catch (IOException | RuntimeException e) {
            String change = move ? "a move to " + dst.name : "a copy to " + dst.name;
            if (!move) { // RFC 9051 6.4.7: a COPY that fails leaves the target as it was
                dst.undoAdded(recorded, change, e);
            }
            drop(change, e);
            dst.drop(change, e);
            throw new StoreException("cannot " + (move ? "move" : "copy") + " to " + dst.name + ": " + e.getMessage(),
                    true, e);
        }
    }

    /** The rows of the next (at most {@link #transferBatch}) messages of {@code uids} above UID {@code after}. */
    private List<Integer> nextRows(UidSet uids, long after) {
        MessageTable t = state.table;
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < uids.rangeCount() && rows.size() < transferBatch; i++) {
            if (uids.rangeTo(i) <= after) {
                continue;
            }
            for (int r = t.rowAtOrAbove(Math.max(uids.rangeFrom(i), after + 1));
                    r < t.size() && t.uid(r) <= uids.rangeTo(i) && rows.size() < transferBatch; r++) {
                rows.add(r);
            }
        }
        return rows;
    }

    /**
     * Copies or moves one batch of messages, as a whole transfer does (target records, files,
     * source expunges): a crash or a failure between batches leaves the earlier ones done,
     * each message in exactly one folder; what one transfer holds in memory is one batch's.
     */
    private void transferRows(List<Integer> rows, MaildirFolder dst, boolean move, UidSet.Builder source,
            UidSet.Builder target, List<Long> recorded) throws IOException {
        MessageTable t = state.table;
        dst.reserve(dst.state, rows.size(), rows.size());
        if (move) {
            reserve(state, 0, rows.size());
        }
        String[] from = new String[rows.size()];
        String[] to = new String[rows.size()];
        long[] newUids = new long[rows.size()];
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            int r = rows.get(i);
            from[i] = log.fileAt(t.logPos(r), t.uid(r));
            newUids[i] = dst.state.uidNext++;
            long ms = ++dst.state.highestModSeq;
            Set<Flag> f = t.flags(r);
            String base = dst.newBase(t.dateMillis(r) / 1000, randomKey(), newUids[i], t.messageSize(r));
            to[i] = "cur/" + new MaildirName(base, f).curName();
            lines.add(IndexLog.added(newUids[i], ms, t.messageSize(r), t.dateMillis(r), f, base, to[i],
                    t.keywords(r)));
        }
        long[] pos = dst.log.append(lines);
        for (long u : newUids) {
            recorded.add(u);
        }
        dst.state.lines += lines.size();
        step.at("target-records");
        for (int i = 0; i < rows.size(); i++) {
            int r = rows.get(i);
            dst.state.table.put(newUids[i], dst.state.highestModSeq - rows.size() + 1 + i, t.messageSize(r),
                    t.dateMillis(r), t.flagBits(r), t.keywords(r), 0, pos[i]);
            Path a = dir.resolve(from[i]);
            Path b = dst.dir.resolve(to[i]);
            if (move) {
                Files.move(a, b, StandardCopyOption.ATOMIC_MOVE);
            } else {
                link(a, b);
            }
            step.at("file");
        }
        DurableFiles.syncDirectory(dst.dir.resolve("cur"));
        if (move) {
            DurableFiles.syncDirectory(dir.resolve("new"));
            DurableFiles.syncDirectory(dir.resolve("cur"));
        }
        step.at("files-moved");
        List<Long> uidsHere = new ArrayList<>();
        for (int r : rows) {
            uidsHere.add(t.uid(r));
        }
        if (move) {
            recordExpunged(uidsHere); // the rows go: the next batch is found by UID
        }
        for (int i = 0; i < rows.size(); i++) {
            source.add(uidsHere.get(i));
            target.add(newUids[i]);
        }
    }

    /**
     * Takes back messages a failed change added (a copy's earlier batches and the one cut short,
     * or an append), under the lock that change holds, so no one sees them and no call by name
     * can reach another folder meanwhile: their files are removed (and that made durable), then
     * expunge records are written for their UIDs, which are not used again. A kill between the
     * two leaves records without files, expunged at the next load; if the disk refuses the undo
     * too, the folder is reconciled at its next load and shows what is on disk.
     */
    private void undoAdded(List<Long> uids, String change, Exception cause) {
        if (uids.isEmpty() || state == null) {
            return;
        }
        try {
            Set<Path> dirs = new HashSet<>();
            for (long uid : uids) {
                if (state.table.row(uid) >= 0) { // else its file was never made
                    Path p = pathLocked(uid);
                    Files.deleteIfExists(p);
                    dirs.add(p.getParent());
                }
            }
            for (Path d : dirs) {
                DurableFiles.syncDirectory(d);
            }
            step.at("undo-records");
            reserve(state, 0, uids.size());
            recordExpunged(uids);
        } catch (IOException | RuntimeException again) {
            cause.addSuppressed(again);
            LOG.warn("Undoing what {} added in {} {} failed too; reconciled at its next load: {}", change, user, name,
                    again.toString());
        }
    }

    /**
     * A second name for a message file (copies share the bytes; a hard link to a link or a FIFO
     * is one too, never opened: Linux's link(2) does not follow a link); a durable copy where
     * links are not possible, of a regular file only, not through a link, as it is served
     * ({@link RegularFiles}): a link must not copy another user's file, a FIFO not block both
     * folders' locks, a device not fill the disk.
     */
    private static void link(Path from, Path to) throws IOException {
        try {
            step.at("link");
            Files.createLink(to, from);
        } catch (UnsupportedOperationException | IOException e) {
            Path tmp = to.resolveSibling("." + to.getFileName() + ".tmp");
            try (FileChannel in = RegularFiles.open(from);
                    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long size = in.size(); // a message's file never changes: no more than what it holds now
                step.at("copy-sized");
                long done = 0;
                while (done < size) {
                    long n = in.transferTo(done, size - done, ch);
                    if (n <= 0) {
                        break;
                    }
                    done += n;
                }
                if (done < size) { // cut by another program: a short copy is not the message
                    throw new IOException("the source " + from + " shrank as it was copied");
                }
                ch.force(true);
                Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException again) {
                again.addSuppressed(e);
                Files.deleteIfExists(tmp);
                throw again;
            }
        }
    }
}
