package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.StoreException;
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
 * be seen only at the folder's next change.
 */
final class MaildirFolder {
    private static final Logger LOG = LoggerFactory.getLogger(MaildirFolder.class);
    static final String UIDVALIDITY_FILE = "postrider-uidvalidity";
    private static final int COMPACT_SLACK = 1000;

    /** Thrown by every call on a folder the store has evicted: resolve it again. */
    static final class Evicted extends RuntimeException {
        Evicted() {
            super("folder evicted from the cache", null, false, false);
        }
    }

    private final String user;
    private final String name;
    private final Path dir;
    private final String host;
    private final IndexLog log;
    private final Consumer<StoreEvent> events;
    private final UsageListener usage;
    private final StoreStats stats;
    private final boolean exclusive;
    private final ReentrantLock lock = new ReentrantLock();
    // All below guarded by lock.
    private boolean closed;
    /** Held while the index is loaded, if {@code exclusive}. */
    private FolderLock osLock;
    private IndexLog.State state;
    private HighWater hwm;
    private final Map<String, Long> byDeliveryKey = new HashMap<>();
    /** mtimes of new/ and cur/ when the index last matched them; null when unknown. */
    private FileTime[] synced;
    private final List<StoreEvent> pending = new ArrayList<>();
    private long markBytes;
    private long markCount;

    MaildirFolder(String user, String name, Path dir, String host, Consumer<StoreEvent> events) {
        this(user, name, dir, host, events, UsageListener.NONE, new StoreStats(), false);
    }

    /**
     * @param exclusive hold the folder's OS lock ({@link FolderLock}) while the index is loaded;
     *                  false only in tests that play a crash by opening a folder again beside itself
     */
    MaildirFolder(String user, String name, Path dir, String host, Consumer<StoreEvent> events, UsageListener usage,
            StoreStats stats, boolean exclusive) {
        this.user = user;
        this.name = name;
        this.dir = dir;
        this.host = host;
        this.log = new IndexLog(dir);
        this.events = events;
        this.usage = usage;
        this.stats = stats;
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

    /** Takes the lock, loading the index if needed; pair with {@link #release}. */
    private void acquire() throws StoreException {
        lock.lock();
        if (closed) {
            lock.unlock();
            throw new Evicted();
        }
        if (state != null) {
            markBytes = state.bytes();
            markCount = state.messages.size();
            return;
        }
        try {
            open();
        } catch (IOException | RuntimeException | StoreException e) {
            state = null;
            pending.clear();
            releaseOsLock();
            lock.unlock();
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open folder " + name + " of " + user + ": " + e.getMessage(), true, e);
        }
    }

    /** Unlocks, then tells listeners what changed (never under the lock). */
    private void release() {
        List<StoreEvent> fire = pending.isEmpty() ? List.of() : List.copyOf(pending);
        pending.clear();
        long bytes = state == null ? 0 : state.bytes() - markBytes;
        long count = state == null ? 0 : state.messages.size() - markCount;
        lock.unlock();
        fire.forEach(events);
        if (bytes != 0 || count != 0) {
            usage.changed(user, bytes, count);
        }
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
        byDeliveryKey.clear();
        releaseOsLock();
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
            throw new StoreException("no folder " + name, false); // deleted or renamed meanwhile
        }
        createDirectories(dir, inbox); // what another tool may have removed (tmp/)
        if (exclusive) {
            osLock = FolderLock.take(dir, FolderLock.WAIT);
        }
        hwm = HighWater.load(dir);
        IndexLog.State s = log.load();
        if (s != null && s.trusted) {
            state = s;
            markBytes = s.bytes();
            markCount = s.messages.size();
            indexKeys();
            reserve(state, 0, 0); // marks of an index of the first releases
            synced = s.synced;
            if (!inSync()) {
                reconcile();
            }
        } else {
            if (s != null) {
                LOG.warn("Index of {} {} is damaged; rebuilding it from the Maildir", user, name);
            }
            markBytes = s == null ? 0 : s.bytes();
            markCount = s == null ? 0 : s.messages.size();
            state = rebuild(s, false);
            indexKeys();
        }
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

    /**
     * Builds the index from the Maildir: the UIDs in Postrider's file names are kept where
     * they are provably unique, other files get new UIDs. With a trusted index as evidence
     * (store:reindex), a name's UID is kept if the index gives it to the same file. Without,
     * it is kept if the name is of this folder, no other name claims the UID, and it lies
     * below the high-water mark; a duplicate or a UID past the mark (or past IMAP's 32-bit
     * UIDs) gets a new UID and changes UIDVALIDITY. UIDNEXT and HIGHESTMODSEQ never go below the marks or what the
     * evidence says; keywords come from the evidence. The new log replaces the old one by
     * an atomic rename, so a crash mid-rebuild leaves the old one. Returns the new state.
     */
    private IndexLog.State rebuild(IndexLog.State evidence, boolean trusted) throws IOException {
        Scan scan = scan();
        Path validityFile = dir.resolve(UIDVALIDITY_FILE);
        boolean hadValidity = Files.exists(validityFile);
        long validity = loadOrCreateUidValidity();
        Map<String, Msg> known = evidence == null ? Map.of() : evidence.byBase();
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
                Msg m = known.get(base);
                if (m == null || m.uid() != uid) {
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
            validity = Math.max(Instant.now().getEpochSecond(), old + 1);
            DurableFiles.write(validityFile, (validity + "\n").getBytes(StandardCharsets.UTF_8));
            LOG.warn("{} {}: the UIDs in the Maildir cannot be proven unique without the index; UIDVALIDITY {} -> {},"
                    + " clients resynchronise", user, name, old, validity);
        }
        IndexLog.State s = new IndexLog.State();
        s.uidValidity = validity;
        s.uidNext = Math.max(floorUid, kept.isEmpty() ? 1 : kept.lastKey() + 1);
        s.highestModSeq = floorModSeq + 1;
        for (Map.Entry<Long, String> e : kept.entrySet()) {
            s.put(rebuilt(e.getKey(), e.getValue(), scan, known, s.highestModSeq));
        }
        for (String base : fresh) {
            s.put(rebuilt(s.uidNext++, base, scan, known, s.highestModSeq));
        }
        reserve(s, 0, 0);
        log.compact(s);
        synced = scan.mtimes();
        LOG.info("Rebuilt index of {} {}: {} messages, UIDVALIDITY {}, UIDNEXT {}", user, name, s.messages.size(),
                s.uidValidity, s.uidNext);
        return s;
    }

    private Msg rebuilt(long uid, String base, Scan scan, Map<String, Msg> known, long modSeq) throws IOException {
        String file = scan.files().get(base);
        Msg m = newMsg(uid, MaildirName.parse(fileName(file)), file, modSeq);
        Msg before = known.get(base);
        return before == null ? m : m.withFlags(m.flags(), before.keywords(), modSeq, file);
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
        long v = Math.max(1, Instant.now().getEpochSecond());
        DurableFiles.write(f, (v + "\n").getBytes(StandardCharsets.UTF_8));
        return v;
    }

    /** What a scan found: base name to "new/NAME" or "cur/NAME", and the mtimes seen before listing. */
    private record Scan(Map<String, String> files, FileTime[] mtimes) {
    }

    /** Lists new/ and cur/ (directories only, no message file is read). */
    private Scan scan() throws IOException {
        stats.scans.increment();
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

    private FileTime[] mtimes() throws IOException {
        return new FileTime[] {Files.getLastModifiedTime(dir.resolve("new")),
                Files.getLastModifiedTime(dir.resolve("cur"))};
    }

    /** Whether new/ and cur/ are as the index last saw them (nothing else touched them). */
    private boolean inSync() throws IOException {
        return synced != null && Arrays.equals(synced, mtimes());
    }

    private Msg newMsg(long uid, MaildirName n, String file, long modSeq) throws IOException {
        long size = n.size();
        Path p = dir.resolve(file);
        if (size < 0) {
            size = Files.size(p);
        }
        Instant date;
        try {
            date = Instant.ofEpochSecond(Long.parseLong(n.base().substring(0, n.base().indexOf('.'))));
        } catch (RuntimeException e) {
            date = Files.getLastModifiedTime(p).toInstant();
        }
        return new Msg(uid, n.base(), file, size, n.flags(), Set.of(), modSeq, date, n.deliveryKey());
    }

    /** Brings the index in line with what other Maildir tools did to the folder. */
    private void reconcile() throws IOException {
        Scan scan = scan();
        Map<String, String> files = scan.files();
        Map<String, Msg> known = new HashMap<>();
        List<Msg> gone = new ArrayList<>();
        List<Msg> moved = new ArrayList<>();
        for (Msg m : state.messages.values()) {
            known.put(m.base(), m);
            String file = files.get(m.base());
            if (file == null) {
                gone.add(m);
            } else if (!file.equals(m.file())) {
                moved.add(m);
            }
        }
        List<String> foreign = new ArrayList<>();
        for (String base : files.keySet()) {
            if (!known.containsKey(base)) {
                foreign.add(base);
            }
        }
        foreign.sort(null);
        List<String> lines = new ArrayList<>();
        if (!gone.isEmpty() || !moved.isEmpty() || !foreign.isEmpty()) {
            reserve(state, foreign.size(), gone.size() + moved.size() + foreign.size());
        }
        for (Msg m : gone) {
            long ms = ++state.highestModSeq;
            state.remove(m.uid());
            lines.add(IndexLog.expunged(m.uid(), ms));
            pending.add(new StoreEvent(user, name, StoreEvent.Kind.EXPUNGED, m.uid(), ms));
        }
        for (Msg m : moved) {
            String file = files.get(m.base());
            Set<Flag> flags = MaildirName.parse(fileName(file)).flags();
            long ms = flags.equals(m.flags()) ? m.modSeq() : ++state.highestModSeq;
            Msg now = m.withFlags(flags, m.keywords(), ms, file);
            state.put(now);
            lines.add(IndexLog.changed(now));
            if (ms != m.modSeq()) {
                pending.add(new StoreEvent(user, name, StoreEvent.Kind.FLAGS_CHANGED, m.uid(), ms));
            }
        }
        for (String base : foreign) {
            String file = files.get(base);
            long uid = state.uidNext++;
            Msg m = newMsg(uid, MaildirName.parse(fileName(file)), file, ++state.highestModSeq);
            state.put(m);
            lines.add(IndexLog.added(m));
            pending.add(new StoreEvent(user, name, StoreEvent.Kind.ADDED, uid, m.modSeq()));
        }
        if (!lines.isEmpty()) {
            log.append(lines);
            state.lines += lines.size();
            LOG.info("Reconciled {} {} with the Maildir: {} changes", user, name, lines.size());
        }
        maybeCompact();
        indexKeys();
        synced = scan.mtimes();
    }

    private void indexKeys() {
        byDeliveryKey.clear();
        for (Msg m : state.messages.values()) {
            if (m.deliveryKey() != null) {
                byDeliveryKey.put(m.deliveryKey(), m.uid());
            }
        }
    }

    private void maybeCompact() throws IOException {
        if (state.lines > 2 * state.messages.size() + COMPACT_SLACK) {
            log.compact(state);
        }
    }

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
        } catch (IOException e) {
            synced = null;
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
            LOG.info("Reindexing {} {} ({} messages)", user, name, state.messages.size());
            state = rebuild(state, true);
            indexKeys();
        } catch (IOException e) {
            throw new StoreException("reindex of " + name + " failed: " + e.getMessage(), true, e);
        } finally {
            release();
        }
    }

    String name() {
        return name;
    }

    long uidValidity() throws StoreException {
        acquire();
        try {
            return state.uidValidity;
        } finally {
            release();
        }
    }

    long uidNext() throws StoreException {
        acquire();
        try {
            return state.uidNext;
        } finally {
            release();
        }
    }

    long highestModSeq() throws StoreException {
        acquire();
        try {
            return state.highestModSeq;
        } finally {
            release();
        }
    }

    List<MessageMeta> messages() throws StoreException {
        acquire();
        try {
            List<MessageMeta> list = new ArrayList<>(state.messages.size());
            for (Msg m : state.messages.values()) {
                list.add(m.meta());
            }
            return list;
        } finally {
            release();
        }
    }

    /** Bytes and messages, kept as messages come and go. */
    long[] usage() throws StoreException {
        acquire();
        try {
            return new long[] {state.bytes(), state.messages.size()};
        } finally {
            release();
        }
    }

    /** The size of a message, or -1 if it has been expunged. */
    long size(long uid) throws StoreException {
        acquire();
        try {
            Msg m = state.messages.get(uid);
            return m == null ? -1 : m.size();
        } finally {
            release();
        }
    }

    /** The message's file now (flag changes rename it). */
    Path path(long uid) throws StoreException, NoSuchFileException {
        acquire();
        try {
            Msg m = state.messages.get(uid);
            if (m == null) {
                throw new NoSuchFileException("message " + uid + " has been expunged");
            }
            return dir.resolve(m.file());
        } finally {
            release();
        }
    }

    /** The content of one message; null if it has been expunged. */
    MessageContent content(long uid) throws StoreException {
        long size = size(uid);
        if (size < 0) {
            return null;
        }
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                try {
                    return Files.newInputStream(path(uid));
                } catch (StoreException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
        };
    }

    /** The UID of the message delivered with this delivery key, or -1 if there is none. */
    long delivered(String deliveryKey) throws StoreException {
        acquire();
        try {
            Long existing = byDeliveryKey.get(deliveryKey);
            if (existing != null && state.messages.containsKey(existing)
                    && Files.exists(dir.resolve(state.messages.get(existing).file()))) {
                return existing;
            }
            return -1;
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
        return add(content, EnumSet.noneOf(Flag.class), Set.of(), Instant.now(), deliveryKey);
    }

    long append(MessageContent content, Set<Flag> flags, Set<String> keywords, Instant internalDate)
            throws StoreException {
        String key = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        return add(content, flags, keywords, internalDate, key.substring(0, 16));
    }

    private long add(MessageContent content, Set<Flag> flags, Set<String> keywords, Instant date, String key)
            throws StoreException {
        Path tmp = dir.resolve("tmp").resolve(date.getEpochSecond() + ".M" + System.nanoTime() + "Q" + key + "."
                + host);
        try {
            long size;
            // Written and fsynced outside the lock: a big message does not hold up the folder.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    InputStream in = content.open()) {
                OutputStream out = Channels.newOutputStream(ch);
                size = in.transferTo(out);
                out.flush();
                ch.force(true);
            }
            acquire();
            try {
                boolean quiet = inSync();
                reserve(state, 1, 1);
                long uid = state.uidNext++;
                long modSeq = ++state.highestModSeq;
                String base = date.getEpochSecond() + ".M" + (System.nanoTime() / 1000 % 1_000_000_000L) + "Q" + key
                        + "F" + hwm.id() + "U" + uid + "." + host + ",S=" + size;
                MaildirName n = new MaildirName(base, flags);
                boolean seenByClient = !flags.isEmpty() || !keywords.isEmpty();
                String file = seenByClient ? "cur/" + n.curName() : "new/" + base;
                Msg m = new Msg(uid, base, file, size, flags, keywords, modSeq, date, key);
                // The record first, then the file: see the class comment.
                synced = null;
                log.append(List.of(IndexLog.added(m)));
                state.lines++;
                state.put(m);
                byDeliveryKey.put(key, uid);
                DurableFiles.move(tmp, dir.resolve(file));
                DurableFiles.syncDirectory(dir.resolve(file).getParent());
                maybeCompact();
                synced = quiet ? mtimes() : null;
                pending.add(new StoreEvent(user, name, StoreEvent.Kind.ADDED, uid, modSeq));
                return uid;
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

    List<MessageMeta> changeFlags(Collection<Long> uids, FlagChange change, Set<Flag> flags, Set<String> keywords)
            throws StoreException {
        List<MessageMeta> result = new ArrayList<>();
        acquire();
        try {
            boolean quiet = inSync();
            reserve(state, 0, uids.size());
            synced = null;
            List<String> lines = new ArrayList<>();
            for (long uid : uids) {
                Msg m = state.messages.get(uid);
                if (m == null) {
                    continue;
                }
                Set<Flag> f = EnumSet.noneOf(Flag.class);
                Set<String> k = new HashSet<>();
                switch (change) {
                    case REPLACE -> {
                        f.addAll(flags);
                        k.addAll(keywords);
                    }
                    case ADD -> {
                        f.addAll(m.flags());
                        f.addAll(flags);
                        k.addAll(m.keywords());
                        k.addAll(keywords);
                    }
                    case REMOVE -> {
                        f.addAll(m.flags());
                        f.removeAll(flags);
                        k.addAll(m.keywords());
                        k.removeAll(keywords);
                    }
                }
                if (f.equals(m.flags()) && k.equals(m.keywords())) {
                    result.add(m.meta());
                    continue;
                }
                String file = "cur/" + new MaildirName(m.base(), f).curName();
                if (!file.equals(m.file())) {
                    DurableFiles.move(dir.resolve(m.file()), dir.resolve(file));
                }
                Msg changed = m.withFlags(f, k, ++state.highestModSeq, file);
                state.put(changed);
                lines.add(IndexLog.changed(changed));
                result.add(changed.meta());
                pending.add(new StoreEvent(user, name, StoreEvent.Kind.FLAGS_CHANGED, uid, changed.modSeq()));
            }
            if (!lines.isEmpty()) {
                log.append(lines);
                state.lines += lines.size();
                maybeCompact();
            }
            synced = quiet ? mtimes() : null;
        } catch (IOException e) {
            throw new StoreException("cannot change flags in " + name + ": " + e.getMessage(), true, e);
        } finally {
            release();
        }
        return result;
    }

    void expunge(Collection<Long> uids) throws StoreException {
        acquire();
        try {
            boolean quiet = inSync();
            reserve(state, 0, uids.size());
            synced = null;
            List<String> lines = new ArrayList<>();
            Set<Path> dirs = new HashSet<>();
            for (long uid : uids) {
                Msg m = state.messages.get(uid);
                if (m == null) {
                    continue;
                }
                Path p = dir.resolve(m.file());
                Files.deleteIfExists(p);
                dirs.add(p.getParent());
                long ms = ++state.highestModSeq;
                state.remove(uid);
                if (m.deliveryKey() != null) {
                    byDeliveryKey.remove(m.deliveryKey());
                }
                lines.add(IndexLog.expunged(uid, ms));
                pending.add(new StoreEvent(user, name, StoreEvent.Kind.EXPUNGED, uid, ms));
            }
            for (Path d : dirs) {
                DurableFiles.syncDirectory(d);
            }
            if (!lines.isEmpty()) {
                log.append(lines);
                state.lines += lines.size();
                maybeCompact();
            }
            synced = quiet ? mtimes() : null;
        } catch (IOException e) {
            throw new StoreException("cannot expunge in " + name + ": " + e.getMessage(), true, e);
        } finally {
            release();
        }
    }
}
