package org.postrider.store.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
import org.postrider.api.store.MailStore;
import org.postrider.api.store.Mailbox;
import org.postrider.api.store.QuotaExceededException;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.StoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Information Store: one Maildir++ per user under ROOT/domain/local-part,
 * readable by any Maildir tool (message files keep the CRLF line ends they arrived with).
 * At most {@code maxOpenFolders} folders are open (their indexes in memory) at once; callers
 * get {@link FolderHandle}s that find the open folder at each call. Quotas come from the
 * Directory and are checked at delivery against usage kept per user ({@link UsageCache}).
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
    }

    /** Users whose usage (bytes, messages) is kept; each takes about 150 bytes. */
    private static final int MAX_USAGE_ENTRIES = 100_000;

    private final Path root;
    private final String host;
    private final StoreStats stats = new StoreStats();
    private final FolderCache folders;
    private final UsageCache usage = new UsageCache(MAX_USAGE_ENTRIES);
    private final Map<String, List<StoreListener>> listeners = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Directory directory;

    /** For tests: the Directory that DS would bind. */
    void setDirectory(Directory d) {
        this.directory = d;
    }

    @Activate
    public MaildirStore(BundleContext context, Config config) throws IOException {
        this(Path.of(config.root()), context.getProperty("postrider.server.name"), config.maxOpenFolders());
    }

    MaildirStore(Path root, String serverName, int maxOpenFolders) throws IOException {
        this.root = root.toAbsolutePath();
        this.host = (serverName != null ? serverName : "postrider").replaceAll("[^A-Za-z0-9-]", "_");
        this.folders = new FolderCache(maxOpenFolders, stats);
        Files.createDirectories(this.root);
        LayoutMigration.run(this.root);
        LOG.info("Maildir store at {}, at most {} folders open", this.root, folders.max());
    }

    @Deactivate
    void deactivate() {
        folders.closeAll();
    }

    Path userDir(String user) throws StoreException {
        return FolderNames.userDir(root, user);
    }

    /** A handle on a user's folder; the folder itself is opened (or found open) at each call. */
    FolderHandle folder(String user, String name) throws StoreException {
        String canonical = FolderNames.canonical(name);
        return new FolderHandle(this, user, canonical, FolderNames.folderDir(userDir(user), canonical));
    }

    /** Creates a folder's directories if they are not there, and opens it. */
    FolderHandle createFolder(String user, String name) throws StoreException {
        FolderHandle h = folder(user, name);
        try {
            MaildirFolder.createDirectories(h.dir(), h.name().equals(FolderNames.INBOX));
            h.call(f -> {
                f.touch();
                return null;
            });
        } catch (IOException e) {
            throw new StoreException("cannot create folder " + h.name() + " of " + user + ": " + e.getMessage(), true,
                    e);
        }
        return h;
    }

    /** The open folder for a handle's call. */
    MaildirFolder cached(String user, String canonical, Path dir) throws StoreException {
        return folders.get(dir, d -> new MaildirFolder(user, canonical, d, host, this::fire, usage, stats, true));
    }

    /** For tests: whether the folder at {@code dir} is open with its index loaded. */
    boolean holdsLoaded(Path dir) {
        return folders.holdsLoaded(dir);
    }

    int openFolders() {
        return folders.size();
    }

    StoreStats stats() {
        return stats;
    }

    int maxOpenFolders() {
        return folders.max();
    }

    /** Existing folder names of a user, INBOX first; reads directory names only. */
    List<String> folderNames(String user) throws StoreException {
        Path dir = userDir(user);
        List<String> names = new ArrayList<>();
        names.add(FolderNames.INBOX);
        if (!Files.isDirectory(dir)) {
            return names;
        }
        List<String> subs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*")) {
            for (Path p : ds) {
                String folder = FolderNames.folderOf(p.getFileName().toString());
                if (folder != null && Files.isDirectory(p.resolve("cur"))) {
                    subs.add(folder);
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list folders of " + user, true, e);
        }
        subs.sort(null);
        names.addAll(subs);
        return names;
    }

    /** Renames a folder's directory, closing what is open at or under it (see {@link FolderCache#forgetAndMove}). */
    void moveFolder(String user, Path src, Path dst) throws IOException {
        folders.forgetAndMove(src, dst);
        usage.forget(user);
    }

    /** Closes the open folders at or under {@code dir} before it is deleted or renamed. */
    void forget(String user, Path dir) {
        folders.forget(dir);
        usage.forget(user);
    }

    @Override
    public Mailbox mailbox(String user) throws StoreException {
        userDir(user); // validates
        return new MaildirMailbox(this, user);
    }

    @Override
    public long deliver(String user, String folder, MessageContent content, String deliveryId)
            throws StoreException {
        FolderHandle h = folder(user, folder);
        String key = deliveryKey(deliveryId);
        try {
            if (!h.name().equals(FolderNames.INBOX) && !Files.isDirectory(h.dir().resolve("cur"))) {
                checkQuota(user, content.size());
                h = createFolder(user, folder);
            } else {
                // A redelivery (the queue did not learn of the first) is answered before the quota:
                // the message is in, even if it filled the mailbox.
                long uid = h.call(f -> f.delivered(key));
                if (uid > 0) {
                    return uid;
                }
                checkQuota(user, content.size());
            }
            return h.call(f -> f.deliver(content, key));
        } catch (IOException e) {
            throw new StoreException(e.getMessage(), true, e);
        }
    }

    /**
     * Bytes and messages in all of a user's folders: summed from the indexes when first asked,
     * then kept as the folders change.
     */
    public long[] usage(String user) throws StoreException {
        userDir(user); // validates
        return usage.get(user, this::sumUsage);
    }

    private long[] sumUsage(String user) throws StoreException {
        long bytes = 0;
        long count = 0;
        for (String name : folderNames(user)) {
            long[] u = folder(user, name).usage();
            bytes += u[0];
            count += u[1];
        }
        return new long[] {bytes, count};
    }

    private void checkQuota(String user, long size) throws StoreException {
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
        if ((qb > 0 && used[0] + size > qb) || (qm > 0 && used[1] + 1 > qm)) {
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

    @Override
    public AutoCloseable watch(String user, StoreListener listener) {
        String key = user.toLowerCase(java.util.Locale.ROOT);
        listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.getOrDefault(key, List.of()).remove(listener);
    }

    private void fire(StoreEvent e) {
        for (StoreListener l : listeners.getOrDefault(e.user().toLowerCase(java.util.Locale.ROOT), List.of())) {
            try {
                l.changed(e);
            } catch (RuntimeException ex) {
                LOG.warn("Store listener failed on {}", e, ex);
            }
        }
    }
}
