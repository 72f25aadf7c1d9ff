package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.User;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Appended;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FlagResult;
import org.postrider.api.store.FolderInfo;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.QuotaExceededException;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.SpecialUse;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.StoreListener;
import org.postrider.api.store.UidMap;
import org.postrider.api.store.UidSet;
import org.postrider.store.maildir.mime.Bounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Information Store: one Maildir++ per user under ROOT/domain/local-part,
 * readable by any Maildir tool (message files keep the CRLF line ends they arrived with).
 * At most {@code maxOpenFolders} folders are open (their indexes in memory) at once; each
 * call finds its folder by name ({@link FolderHandle}). Quotas come from the Directory and
 * are checked at delivery against usage kept per user ({@link UsageCache}). Once
 * deactivated (an update, a configuration change) every call is refused as temporary, and
 * each folder's OS lock ({@link FolderLock}) keeps a lingering instance from writing beside
 * the next one.
 */
@Component(service = {MailStore.class, MaildirStore.class}, configurationPid = "org.postrider.store.maildir")
@Designate(ocd = MaildirStore.Config.class)
public class MaildirStore implements MailStore {
    private static final Logger LOG = LoggerFactory.getLogger(MaildirStore.class);

    @ObjectClassDefinition(name = "Postrider Maildir store")
    public @interface Config {
        @AttributeDefinition(description = "Where the mailboxes live")
        String root() default "data/mail";

        @AttributeDefinition(description = "Folders kept open, their indexes in memory (least recently used"
                + " closed first; a folder in use is closed once its call is done)", min = "1")
        int maxOpenFolders() default 1000;

        @AttributeDefinition(description = "Memory the open folders' indexes may take together, in MiB (about 60"
                + " bytes a message); least recently used folders are closed to stay below it", min = "1")
        int maxIndexMemoryMiB() default 256;

        @AttributeDefinition(description = "MIME entities nested in one another that the structure parser follows"
                + " (deeper ones are one opaque part)", min = "1", max = "128")
        int mimeMaxDepth() default 32;

        @AttributeDefinition(description = "MIME parts of one message that the structure parser lists", min = "1")
        int mimeMaxParts() default 1000;

        @AttributeDefinition(description = "Header octets of one MIME entity kept for ENVELOPE and SEARCH, in KiB",
                min = "1", max = "16384")
        int mimeMaxHeaderKiB() default 64;
    }

    /** Users whose usage (bytes, messages) is kept; each takes about 150 bytes (a small table more while summed). */
    private static final int MAX_USAGE_ENTRIES = 100_000;

    private final Path root;
    private final String host;
    private final StoreStats stats = new StoreStats();
    private final FolderCache folders;
    private final FolderTree tree = new FolderTree(this);
    private final UsageCache usage = new UsageCache(MAX_USAGE_ENTRIES);
    private final CountedSizes counted = new CountedSizes();
    private final QuotaGate quotaGate = new QuotaGate();
    private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
    private final Structures structures;
    private final Search search;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Directory directory;

    /** For tests: the Directory that DS would bind. */
    void setDirectory(Directory d) {
        this.directory = d;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(StoreListener l) {
        listeners.add(l);
    }

    void removeListener(StoreListener l) {
        listeners.remove(l);
    }

    @Activate
    public MaildirStore(BundleContext context, Config config) throws IOException {
        this(Path.of(config.root()), context.getProperty("postrider.server.name"), config.maxOpenFolders(),
                config.maxIndexMemoryMiB() * (1L << 20), new Bounds(config.mimeMaxDepth(), config.mimeMaxParts(),
                        config.mimeMaxHeaderKiB() * 1024, Math.max(1 << 20, config.mimeMaxHeaderKiB() * 1024)));
    }

    MaildirStore(Path root, String serverName, int maxOpenFolders) throws IOException {
        this(root, serverName, maxOpenFolders, 256L << 20);
    }

    MaildirStore(Path root, String serverName, int maxOpenFolders, long maxIndexMemory) throws IOException {
        this(root, serverName, maxOpenFolders, maxIndexMemory, Bounds.DEFAULT);
    }

    MaildirStore(Path root, String serverName, int maxOpenFolders, long maxIndexMemory, Bounds mime)
            throws IOException {
        this.root = root.toAbsolutePath();
        this.host = (serverName != null ? serverName : "postrider").replaceAll("[^A-Za-z0-9-]", "_");
        this.folders = new FolderCache(maxOpenFolders, maxIndexMemory, stats);
        this.structures = new MimeStructures(mime);
        this.search = new Search(structures);
        Files.createDirectories(this.root);
        LayoutMigration.run(this.root);
        LOG.info("Maildir store at {}, at most {} folders open in {} MiB", this.root, folders.max(),
                folders.budget() >> 20);
    }

    @Deactivate
    void deactivate() {
        folders.closeAll();
    }

    Path userDir(String user) throws StoreException {
        return FolderNames.userDir(root, user);
    }

    /** A handle on an existing folder of a user (INBOX always exists). */
    FolderHandle folder(String user, String name) throws StoreException {
        folders.checkOpen();
        String canonical = FolderNames.canonical(name);
        if (!tree.exists(user, canonical)) {
            throw new NoSuchFolderException(canonical);
        }
        return new FolderHandle(this, user, canonical, FolderNames.folderDir(userDir(user), canonical));
    }

    private FolderHandle folder(FolderRef ref) throws StoreException {
        return folder(ref.user(), ref.folder());
    }

    /** The open folder for a handle's call. */
    MaildirFolder cached(String user, String canonical, Path dir) throws StoreException {
        return cached(user, canonical, dir, null);
    }

    /** As {@link #cached(String, String, Path)}, not evicting the folder at {@code alsoKeep}. */
    MaildirFolder cached(String user, String canonical, Path dir, Path alsoKeep) throws StoreException {
        return folders.get(dir, d -> new MaildirFolder(user, canonical, d, host, this::changed, usage, stats, counted,
                true),
                alsoKeep);
    }

    /** For tests: whether the folder at {@code dir} is open with its index loaded. */
    boolean holdsLoaded(Path dir) {
        return folders.holdsLoaded(dir);
    }

    int openFolders() {
        return folders.size();
    }

    /** Bytes the open folders' indexes take. */
    long openFootprint() {
        return folders.footprint();
    }

    StoreStats stats() {
        return stats;
    }

    int maxOpenFolders() {
        return folders.max();
    }

    long maxIndexMemory() {
        return folders.budget();
    }

    /** Existing folder names of a user, INBOX first. */
    List<String> folderNames(String user) throws StoreException {
        folders.checkOpen();
        return tree.names(user);
    }

    /**
     * Runs {@code action} on a folder's directory with what is open at or under it closed
     * ({@link FolderCache#whileClosed}).
     */
    void whileClosed(String user, Path dir, FolderCache.Action action) throws IOException, StoreException {
        try {
            folders.whileClosed(dir, action);
        } finally {
            usage.forget(user);
        }
    }

    // ---- folders

    @Override
    public List<FolderInfo> folders(String user) throws StoreException {
        folders.checkOpen();
        return tree.list(user);
    }

    @Override
    public List<String> subscriptions(String user) throws StoreException {
        folders.checkOpen();
        return tree.subscriptions(user);
    }

    @Override
    public void subscribe(String user, String folder, boolean subscribed) throws StoreException {
        folders.checkOpen();
        tree.subscribe(user, folder, subscribed);
    }

    @Override
    public void createFolder(String user, String folder, SpecialUse use) throws StoreException {
        folders.checkOpen();
        tree.create(user, folder, use);
        fire(new StoreEvent(user, FolderNames.canonical(folder), StoreEvent.Kind.CREATED, 0, null));
    }

    @Override
    public void deleteFolder(String user, String folder) throws StoreException {
        folders.checkOpen();
        tree.delete(user, folder);
        fire(new StoreEvent(user, FolderNames.canonical(folder), StoreEvent.Kind.DELETED, 0, null));
    }

    @Override
    public void renameFolder(String user, String from, String to) throws StoreException {
        folders.checkOpen();
        tree.rename(user, from, to);
        fire(new StoreEvent(user, FolderNames.canonical(from), StoreEvent.Kind.RENAMED, 0,
                FolderNames.canonical(to)));
    }

    /**
     * By the owner record of the UIDVALIDITY ({@link UidValidities}); where the record names a
     * folder that no longer has it (a kill or a rename left it stale), by the folders' UIDVALIDITY
     * files. Either is confirmed by the folder itself, loaded. A retired record: no folder (deleted).
     */
    @Override
    public String folderOf(String user, long uidValidity) throws StoreException {
        folders.checkOpen();
        Path userDir = tree.ensure(user);
        try {
            if (UidValidities.retired(userDir, uidValidity)) {
                // its folder was deleted: another folder of an earlier release that still carries the
                // value unclaimed is not that folder (and gets a value of its own when it loads)
                return null;
            }
            Path owner = UidValidities.ownerDir(userDir, uidValidity);
            if (owner != null) {
                String name = owner.equals(userDir) ? FolderNames.INBOX
                        : FolderNames.folderOf(owner.getFileName().toString());
                if (name != null && holds(user, name, uidValidity)) {
                    return name;
                }
            }
            for (String name : folderNames(user)) {
                if (UidValidities.validityOf(FolderNames.folderDir(userDir, name)) == uidValidity
                        && holds(user, name, uidValidity)) {
                    return name;
                }
            }
            return null;
        } catch (IOException e) {
            throw new StoreException("cannot read the UIDVALIDITY records of " + user + ": " + e.getMessage(), true, e);
        }
    }

    private boolean holds(String user, String name, long uidValidity) throws StoreException {
        try {
            return folder(user, name).call(MaildirFolder::uidValidity) == uidValidity;
        } catch (NoSuchFolderException e) {
            return false; // deleted or renamed meanwhile
        }
    }

    @Override
    public FolderSummary summary(String user, String folder) throws StoreException {
        return summary(user, folder, true);
    }

    /** Without {@code bytes}, no message file is read: sizes of other programs' files are counted on demand. */
    @Override
    public FolderSummary summary(String user, String folder, boolean bytes) throws StoreException {
        FolderHandle h = folder(user, folder);
        return h.call(f -> {
            f.refresh();
            return f.summary(bytes);
        });
    }

    // ---- reading

    @Override
    public UidSet uids(FolderRef ref) throws StoreException {
        return folder(ref).call(f -> {
            f.refresh();
            return f.uids(ref.uidValidity());
        });
    }

    @Override
    public List<MessageMeta> messages(FolderRef ref, UidSet uids) throws StoreException {
        return messages(ref, uids, true);
    }

    @Override
    public List<MessageMeta> messages(FolderRef ref, UidSet uids, boolean sizes) throws StoreException {
        return folder(ref).call(f -> f.messages(ref.uidValidity(), uids, sizes));
    }

    @Override
    public Changes changesSince(FolderRef ref, long modSeq) throws StoreException {
        return changesSince(ref, modSeq, true);
    }

    @Override
    public Changes changesSince(FolderRef ref, long modSeq, boolean sizes) throws StoreException {
        return folder(ref).call(f -> {
            f.refresh();
            return f.changesSince(ref.uidValidity(), modSeq, sizes);
        });
    }

    @Override
    public UidSet claimRecent(FolderRef ref) throws StoreException {
        return folder(ref).call(f -> f.claimRecent(ref.uidValidity()));
    }

    @Override
    public MessageContent content(FolderRef ref, long uid) throws StoreException {
        FolderHandle h = folder(ref);
        long size = h.call(f -> f.size(ref.uidValidity(), uid));
        return size < 0 ? null : new StoredContent(h, ref.uidValidity(), uid, size);
    }

    @Override
    public MessageStructure structure(FolderRef ref, long uid) throws StoreException {
        return structure(folder(ref), ref.uidValidity(), uid);
    }

    /** The structure from the cache, or parsed from the file (outside the folder's lock) and cached. */
    MessageStructure structure(FolderHandle h, long validity, long uid) throws StoreException {
        byte[] cached = h.call(f -> f.cachedStructure(validity, uid));
        if (cached != null) {
            try {
                return structures.decode(cached);
            } catch (IOException e) {
                LOG.debug("Damaged structure record of {} in {}; parsing again", uid, h.name(), e);
            }
        }
        MessageStructure s;
        h.call(f -> {
            f.countSizes(validity, UidSet.of(uid)); // outside the lock, if it is not counted yet
            return null;
        });
        try (InputStream in = StoredContent.open(h, validity, uid, 0, -1)) {
            if (in == null) {
                return null;
            }
            s = structures.parse(in);
            MaildirFolder.step.at("structure-parsed");
        } catch (IOException e) {
            throw new StoreException("cannot read message " + uid + ": " + e.getMessage(), true, e);
        }
        byte[] data = structures.encode(s);
        h.call(f -> {
            f.cacheStructure(validity, uid, data);
            return null;
        });
        return s;
    }

    @Override
    public UidSet search(FolderRef ref, SearchKey key, UidSet within) throws StoreException {
        FolderHandle h = folder(ref);
        return search.run(this, h, ref.uidValidity(), key, within);
    }

    // ---- changing

    /** Times a delivery makes its folder again when it is deleted under it; then the deletions win. */
    private static final int DELIVERY_TRIES = 3;

    @Override
    public long deliver(String user, String folder, MessageContent content, String deliveryId)
            throws StoreException {
        for (int i = 1; ; i++) {
            try {
                return deliverOnce(user, folder, content, deliveryId);
            } catch (NoSuchFolderException e) {
                // Deleted under the delivery: a delivery into a missing folder makes it.
                if (i == DELIVERY_TRIES) {
                    throw new StoreException("folder " + folder + " of " + user + " keeps being deleted", true, e);
                }
            }
        }
    }

    private long deliverOnce(String user, String folder, MessageContent content, String deliveryId)
            throws StoreException {
        folders.checkOpen();
        String canonical = FolderNames.canonical(folder);
        tree.ensure(user);
        String key = deliveryKey(deliveryId);
        if (!tree.exists(user, canonical)) {
            return quotaGate.pass(user, hasQuota(user), () -> {
                checkQuota(user, content.size());
                try {
                    tree.create(user, canonical, null);
                    fire(new StoreEvent(user, canonical, StoreEvent.Kind.CREATED, 0, null)); // as a CREATE would
                } catch (StoreException e) {
                    if (!tree.exists(user, canonical)) { // not just created by a delivery beside us
                        throw e;
                    }
                }
                return folder(user, canonical).call(f -> f.deliver(content, key));
            });
        }
        FolderHandle h = folder(user, canonical);
        // A redelivery (the queue did not learn of the first) is answered before the quota:
        // the message is in, even if it filled the mailbox.
        long uid = h.call(f -> f.delivered(key));
        if (uid > 0) {
            return uid;
        }
        return quotaGate.pass(user, hasQuota(user), () -> {
            checkQuota(user, content.size());
            return h.call(f -> f.deliver(content, key));
        });
    }

    @Override
    public Appended append(FolderRef ref, MessageContent content, Set<Flag> flags, Set<String> keywords,
            Instant internalDate) throws StoreException {
        FolderHandle h = folder(ref);
        long[] r = quotaGate.pass(ref.user(), hasQuota(ref.user()), () -> {
            checkQuota(ref.user(), content.size());
            return h.call(f -> f.append(ref.uidValidity(), content, flags, keywords, internalDate));
        });
        return new Appended(r[0], r[1]);
    }

    @Override
    public FlagResult changeFlags(FolderRef ref, UidSet uids, FlagChange change, Set<Flag> flags,
            Set<String> keywords, long unchangedSince) throws StoreException {
        return folder(ref).call(f -> f.changeFlags(ref.uidValidity(), uids, change, flags, keywords,
                unchangedSince));
    }

    @Override
    public UidMap copy(FolderRef from, UidSet uids, String to) throws StoreException {
        return transfer(from, uids, to, false);
    }

    @Override
    public UidMap move(FolderRef from, UidSet uids, String to) throws StoreException {
        return transfer(from, uids, to, true);
    }

    private UidMap transfer(FolderRef from, UidSet uids, String to, boolean move) throws StoreException {
        FolderHandle src = folder(from);
        FolderHandle dst = folder(from.user(), to);
        if (move) { // a move changes no user's usage
            return transferOnce(src, from, uids, dst, true);
        }
        return quotaGate.pass(from.user(), hasQuota(from.user()), () -> {
            long bytes = 0;
            for (MessageMeta m : messages(from, uids)) {
                bytes += m.size();
            }
            checkQuotaBytes(from.user(), bytes, uids.size());
            return transferOnce(src, from, uids, dst, false);
        });
    }

    private static UidMap transferOnce(FolderHandle src, FolderRef from, UidSet uids, FolderHandle dst, boolean move)
            throws StoreException {
        for (int i = 0; ; i++) {
            try {
                return MaildirFolder.transfer(src.folder(), from.uidValidity(), uids, dst.folderBeside(src), move);
            } catch (MaildirFolder.Evicted e) { // a failed copy is undone under the folders' locks (transfer)
                if (i == 100) {
                    throw new StoreException("folders keep being evicted; raise maxOpenFolders", true);
                }
            }
        }
    }

    @Override
    public UidSet expunge(FolderRef ref, UidSet uids) throws StoreException {
        return folder(ref).call(f -> f.expunge(ref.uidValidity(), uids));
    }

    /**
     * Bytes and messages in all of a user's folders: summed from the indexes when first asked,
     * then kept as the folders change.
     */
    public long[] usage(String user) throws StoreException {
        userDir(user); // validates
        return usage.get(user, this::sumUsage);
    }

    /**
     * With no limit the usage is not summed (0): GETQUOTAROOT, which clients send after each
     * SELECT, then costs no folder's index nor the sizes of other programs' files.
     */
    @Override
    public org.postrider.api.store.Quota quota(String user) throws StoreException {
        Directory d = directory;
        Optional<User> u = d == null ? Optional.empty() : d.user(user);
        long bytesLimit = u.map(User::quotaBytes).orElse(0L);
        long messagesLimit = u.map(User::quotaMessages).orElse(0L);
        if (bytesLimit <= 0 && messagesLimit <= 0) {
            userDir(user); // validates, as usage does
            return new org.postrider.api.store.Quota(0, 0, 0, 0);
        }
        long[] used = usage(user);
        return new org.postrider.api.store.Quota(used[0], bytesLimit, used[1], messagesLimit);
    }

    private long[] sumUsage(String user) throws StoreException {
        long bytes = 0;
        long count = 0;
        for (String name : folderNames(user)) {
            long[] u = folder(user, name).call(MaildirFolder::usage);
            bytes += u[0];
            count += u[1];
        }
        return new long[] {bytes, count};
    }

    private boolean hasQuota(String user) {
        Directory d = directory;
        Optional<User> u = d == null ? Optional.empty() : d.user(user);
        return u.isPresent() && (u.get().quotaBytes() != 0 || u.get().quotaMessages() != 0);
    }

    private void checkQuota(String user, long size) throws StoreException {
        checkQuotaBytes(user, size, 1);
    }

    private void checkQuotaBytes(String user, long size, long messages) throws StoreException {
        Directory d = directory;
        Optional<User> u = d == null ? Optional.empty() : d.user(user);
        if (u.isEmpty() || (u.get().quotaBytes() == 0 && u.get().quotaMessages() == 0)) {
            return;
        }
        long qb = u.get().quotaBytes();
        long qm = u.get().quotaMessages();
        if (qb > 0 && size > qb) {
            throw new QuotaExceededException("message larger than the mailbox quota of " + user, false);
        }
        long[] used = usage(user);
        if ((qb > 0 && used[0] + size > qb) || (qm > 0 && used[1] + messages > qm)) {
            throw new QuotaExceededException("mailbox of " + user + " is full", true);
        }
    }

    static String deliveryKey(String deliveryId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(deliveryId.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void changed(String user, String folder, long modSeq) {
        fire(new StoreEvent(user, folder, StoreEvent.Kind.CHANGED, modSeq, null));
    }

    private void fire(StoreEvent e) {
        for (StoreListener l : listeners) {
            try {
                l.changed(e);
            } catch (RuntimeException ex) {
                LOG.warn("Store listener failed on {}", e, ex);
            }
        }
    }
}
