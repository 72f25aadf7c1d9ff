package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.Folder;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.StoreException;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Maildir folder with its index. The rules that keep UIDs honest:
 * <ul>
 * <li>a new message's index record is durable before its file appears in new/ or cur/, so
 *     a crash can leave a record without a file (then marked expunged) but never a file
 *     whose UID was handed out twice;</li>
 * <li>a file the index does not know came from another Maildir tool: it gets the next
 *     UID; a record whose file is gone was removed by one: it is expunged;</li>
 * <li>only a rebuild (no index) trusts the UID written in Postrider's own file names.</li>
 * </ul>
 */
final class MaildirFolder implements Folder {
    private static final Logger LOG = LoggerFactory.getLogger(MaildirFolder.class);
    static final String UIDVALIDITY_FILE = "postrider-uidvalidity";
    private static final int COMPACT_SLACK = 1000;

    private final String user;
    private final String name;
    private final Path dir;
    private final String host;
    private final IndexLog log;
    private final Consumer<StoreEvent> events;
    private final ReentrantLock lock = new ReentrantLock();
    private IndexLog.State state;
    private final Map<String, Long> byDeliveryKey = new HashMap<>();

    MaildirFolder(String user, String name, Path dir, String host, Consumer<StoreEvent> events) throws IOException {
        this.user = user;
        this.name = name;
        this.dir = dir;
        this.host = host;
        this.log = new IndexLog(dir);
        this.events = events;
        lock.lock();
        try {
            open();
        } finally {
            lock.unlock();
        }
    }

    private void open() throws IOException {
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            DurableFiles.createDirectories(dir.resolve(sub));
        }
        if (!name.equals(FolderNames.INBOX) && !Files.exists(dir.resolve("maildirfolder"))) {
            DurableFiles.write(dir.resolve("maildirfolder"), new byte[0]);
        }
        state = log.load();
        if (state == null) {
            rebuild(1, 0);
        } else {
            reconcile();
        }
    }

    /**
     * Builds the index from the Maildir alone, keeping UIDVALIDITY and the UIDs in our file
     * names; files of other tools get new UIDs. UIDNEXT never goes below {@code minUidNext},
     * so UIDs handed out before (even of messages expunged since) are not reused.
     */
    private void rebuild(long minUidNext, long minModSeq) throws IOException {
        IndexLog.State s = new IndexLog.State();
        s.uidValidity = loadOrCreateUidValidity();
        s.uidNext = Math.max(1, minUidNext);
        Map<String, String> files = scan();
        List<String> foreign = new ArrayList<>();
        for (Map.Entry<String, String> e : files.entrySet()) {
            MaildirName n = MaildirName.parse(Path.of(e.getValue()).getFileName().toString());
            long uid = n.uid();
            if (uid > 0 && !s.messages.containsKey(uid)) {
                s.messages.put(uid, newMsg(uid, n, e.getValue(), 0));
                s.uidNext = Math.max(s.uidNext, uid + 1);
            } else {
                foreign.add(e.getKey());
            }
        }
        s.highestModSeq = minModSeq + 1;
        for (Msg m : List.copyOf(s.messages.values())) {
            s.messages.put(m.uid(), m.withFlags(m.flags(), m.keywords(), s.highestModSeq, m.file()));
        }
        state = s;
        foreign.sort(null);
        for (String base : foreign) {
            String file = files.get(base);
            long uid = state.uidNext++;
            state.messages.put(uid, newMsg(uid, MaildirName.parse(Path.of(file).getFileName().toString()), file,
                    state.highestModSeq));
        }
        log.compact(state);
        indexKeys();
        LOG.info("Rebuilt index of {} {}: {} messages, UIDVALIDITY {}", user, name, state.messages.size(),
                state.uidValidity);
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

    /** Base name to "new/NAME" or "cur/NAME" for every message file on disk; reads directories only. */
    private Map<String, String> scan() throws IOException {
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
        return files;
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
        Map<String, String> files = scan();
        List<String> lines = new ArrayList<>();
        List<StoreEvent> fired = new ArrayList<>();
        Map<String, Msg> known = new HashMap<>();
        for (Msg m : List.copyOf(state.messages.values())) {
            known.put(m.base(), m);
            String file = files.get(m.base());
            if (file == null) {
                long ms = ++state.highestModSeq;
                state.messages.remove(m.uid());
                lines.add(IndexLog.expunged(m.uid(), ms));
                fired.add(new StoreEvent(user, name, StoreEvent.Kind.EXPUNGED, m.uid(), ms));
            } else if (!file.equals(m.file())) {
                Set<Flag> flags = MaildirName.parse(Path.of(file).getFileName().toString()).flags();
                long ms = flags.equals(m.flags()) ? m.modSeq() : ++state.highestModSeq;
                Msg moved = m.withFlags(flags, m.keywords(), ms, file);
                state.messages.put(m.uid(), moved);
                lines.add(IndexLog.changed(moved));
                if (ms != m.modSeq()) {
                    fired.add(new StoreEvent(user, name, StoreEvent.Kind.FLAGS_CHANGED, m.uid(), ms));
                }
            }
        }
        List<String> foreign = new ArrayList<>();
        for (String base : files.keySet()) {
            if (!known.containsKey(base)) {
                foreign.add(base);
            }
        }
        foreign.sort(null);
        for (String base : foreign) {
            String file = files.get(base);
            long uid = state.uidNext++;
            Msg m = newMsg(uid, MaildirName.parse(Path.of(file).getFileName().toString()), file,
                    ++state.highestModSeq);
            state.messages.put(uid, m);
            lines.add(IndexLog.added(m));
            fired.add(new StoreEvent(user, name, StoreEvent.Kind.ADDED, uid, m.modSeq()));
        }
        if (!lines.isEmpty()) {
            log.append(lines);
            state.lines += lines.size();
            LOG.info("Reconciled {} {} with the Maildir: {} changes", user, name, lines.size());
        }
        maybeCompact();
        indexKeys();
        fired.forEach(events);
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

    /** Picks up changes other tools made since the folder was opened. */
    void refresh() throws StoreException {
        lock.lock();
        try {
            reconcile();
        } catch (IOException e) {
            throw new StoreException("cannot read folder " + name + ": " + e.getMessage(), true, e);
        } finally {
            lock.unlock();
        }
    }

    /** Drops the index and rebuilds it from the Maildir (store:reindex). */
    void reindex() throws StoreException {
        lock.lock();
        try {
            long uidNext = state.uidNext;
            long modSeq = state.highestModSeq;
            log.delete();
            rebuild(uidNext, modSeq);
        } catch (IOException e) {
            throw new StoreException("reindex of " + name + " failed: " + e.getMessage(), true, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long uidValidity() {
        return state.uidValidity;
    }

    @Override
    public long uidNext() {
        lock.lock();
        try {
            return state.uidNext;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long highestModSeq() {
        lock.lock();
        try {
            return state.highestModSeq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<MessageMeta> messages() {
        lock.lock();
        try {
            List<MessageMeta> list = new ArrayList<>(state.messages.size());
            for (Msg m : state.messages.values()) {
                list.add(m.meta());
            }
            return list;
        } finally {
            lock.unlock();
        }
    }

    long[] usage() {
        lock.lock();
        try {
            long bytes = 0;
            for (Msg m : state.messages.values()) {
                bytes += m.size();
            }
            return new long[] {bytes, state.messages.size()};
        } finally {
            lock.unlock();
        }
    }

    @Override
    public MessageContent content(long uid) {
        Msg m;
        lock.lock();
        try {
            m = state.messages.get(uid);
        } finally {
            lock.unlock();
        }
        if (m == null) {
            return null;
        }
        long size = m.size();
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(currentPath(uid));
            }
        };
    }

    /** The message's file now (flag changes rename it). */
    private Path currentPath(long uid) throws IOException {
        lock.lock();
        try {
            Msg m = state.messages.get(uid);
            if (m == null) {
                throw new NoSuchFileException("message " + uid + " has been expunged");
            }
            return dir.resolve(m.file());
        } finally {
            lock.unlock();
        }
    }

    /** Delivers idempotently per delivery key; returns the UID. */
    long deliver(MessageContent content, String deliveryKey) throws StoreException {
        lock.lock();
        try {
            Long existing = byDeliveryKey.get(deliveryKey);
            if (existing != null && state.messages.containsKey(existing)
                    && Files.exists(dir.resolve(state.messages.get(existing).file()))) {
                return existing;
            }
        } finally {
            lock.unlock();
        }
        return add(content, EnumSet.noneOf(Flag.class), Set.of(), Instant.now(), deliveryKey);
    }

    @Override
    public long append(MessageContent content, Set<Flag> flags, Set<String> keywords, Instant internalDate)
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
            StoreEvent event;
            long uid;
            lock.lock();
            try {
                uid = state.uidNext++;
                long modSeq = ++state.highestModSeq;
                String base = date.getEpochSecond() + ".M" + (System.nanoTime() / 1000 % 1_000_000_000L) + "Q" + key
                        + "U" + uid + "." + host + ",S=" + size;
                MaildirName n = new MaildirName(base, flags);
                boolean seenByClient = !flags.isEmpty() || !keywords.isEmpty();
                String file = seenByClient ? "cur/" + n.curName() : "new/" + base;
                Msg m = new Msg(uid, base, file, size, flags, keywords, modSeq, date, key);
                // The record first, then the file: see the class comment.
                log.append(List.of(IndexLog.added(m)));
                state.lines++;
                state.messages.put(uid, m);
                byDeliveryKey.put(key, uid);
                DurableFiles.move(tmp, dir.resolve(file));
                DurableFiles.syncDirectory(dir.resolve(file).getParent());
                maybeCompact();
                event = new StoreEvent(user, name, StoreEvent.Kind.ADDED, uid, modSeq);
            } finally {
                lock.unlock();
            }
            events.accept(event);
            return uid;
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

    @Override
    public List<MessageMeta> changeFlags(Collection<Long> uids, FlagChange change, Set<Flag> flags,
            Set<String> keywords) throws StoreException {
        List<MessageMeta> result = new ArrayList<>();
        List<StoreEvent> fired = new ArrayList<>();
        lock.lock();
        try {
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
                state.messages.put(uid, changed);
                lines.add(IndexLog.changed(changed));
                result.add(changed.meta());
                fired.add(new StoreEvent(user, name, StoreEvent.Kind.FLAGS_CHANGED, uid, changed.modSeq()));
            }
            if (!lines.isEmpty()) {
                log.append(lines);
                state.lines += lines.size();
                maybeCompact();
            }
        } catch (IOException e) {
            throw new StoreException("cannot change flags in " + name + ": " + e.getMessage(), true, e);
        } finally {
            lock.unlock();
        }
        fired.forEach(events);
        return result;
    }

    @Override
    public void expunge(Collection<Long> uids) throws StoreException {
        List<StoreEvent> fired = new ArrayList<>();
        lock.lock();
        try {
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
                state.messages.remove(uid);
                if (m.deliveryKey() != null) {
                    byDeliveryKey.remove(m.deliveryKey());
                }
                lines.add(IndexLog.expunged(uid, ms));
                fired.add(new StoreEvent(user, name, StoreEvent.Kind.EXPUNGED, uid, ms));
            }
            for (Path d : dirs) {
                DurableFiles.syncDirectory(d);
            }
            if (!lines.isEmpty()) {
                log.append(lines);
                state.lines += lines.size();
                maybeCompact();
            }
        } catch (IOException e) {
            throw new StoreException("cannot expunge in " + name + ": " + e.getMessage(), true, e);
        } finally {
            lock.unlock();
        }
        fired.forEach(events);
    }
}
