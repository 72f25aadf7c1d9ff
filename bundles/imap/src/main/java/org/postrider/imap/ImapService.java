package org.postrider.imap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.postrider.api.directory.Directory;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.StoreEvent;
import org.postrider.api.store.StoreListener;
import org.postrider.imap.command.Compress;
import org.postrider.imap.command.GetQuota;
import org.postrider.imap.command.GetQuotaRoot;
import org.postrider.imap.command.SetQuota;
import org.postrider.imap.command.Append;
import org.postrider.imap.command.Authenticate;
import org.postrider.imap.command.Capability;
import org.postrider.imap.command.Check;
import org.postrider.imap.command.Close;
import org.postrider.imap.command.Copy;
import org.postrider.imap.command.Create;
import org.postrider.imap.command.Delete;
import org.postrider.imap.command.Enable;
import org.postrider.imap.command.Expunge;
import org.postrider.imap.command.Fetch;
import org.postrider.imap.command.Id;
import org.postrider.imap.command.Idle;
import org.postrider.imap.command.ImapCommand;
import org.postrider.imap.command.ListCmd;
import org.postrider.imap.command.Login;
import org.postrider.imap.command.Logout;
import org.postrider.imap.command.Move;
import org.postrider.imap.command.Namespace;
import org.postrider.imap.command.Noop;
import org.postrider.imap.command.Rename;
import org.postrider.imap.command.Search;
import org.postrider.imap.command.Select;
import org.postrider.imap.command.Sort;
import org.postrider.imap.command.StartTls;
import org.postrider.imap.command.Status;
import org.postrider.imap.command.Store;
import org.postrider.imap.command.Subscribe;
import org.postrider.imap.command.ThreadCmd;
import org.postrider.imap.parse.ImapLimits;
import org.postrider.kit.service.ServiceSlot;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.ListenerConfig;
import org.postrider.lineserver.ListenerGroup;
import org.postrider.lineserver.SessionHandler;
import org.postrider.lineserver.TlsMode;

/**
 * The IMAP server: a listener with STARTTLS and one with implicit TLS on the shared line
 * server, serving the Information Store to users the Directory authenticates. Store and
 * directory are bound dynamically: while one is being updated, commands get a temporary NO.
 */
@Component(immediate = true, service = {}, configurationPid = "org.postrider.imap")
@Designate(ocd = ImapConfig.class)
public class ImapService implements SessionHandler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ImapService.class);
    private final ImapConfig config;
    private final java.util.concurrent.atomic.AtomicInteger compressedSessions = new java.util.concurrent.atomic.AtomicInteger();
    private final String serverName;
    private final ImapLimits limits;
    private final Path tempDir;
    private final Map<String, ImapCommand> commands = new LinkedHashMap<>();
    private final ListenerGroup listeners;
    /** Sessions in IDLE, by user (lower case): told of store changes as they happen. */
    private final Map<String, Set<ImapSession>> idling = new ConcurrentHashMap<>();
    private final ServiceRegistration<StoreListener> hints;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Directory directory;

    /** Waited for across a store's replacement, so a session does not fail in the gap. */
    private final ServiceSlot<MailStore> store = new ServiceSlot<>();

    @Activate
    public ImapService(BundleContext context, ImapConfig config) throws IOException, GeneralSecurityException {
        this.config = config;
        String n = context.getProperty("postrider.server.name");
        this.serverName = n != null ? n : "athena";
        ImapLimits d = ImapLimits.DEFAULTS;
        long append = config.appendLimitMiB() * (1L << 20);
        this.limits = new ImapLimits(config.maxCommandLine(), d.maxLiteralBeforeLogin(), append,
                Math.min(append, d.maxNonSyncLiteral()), d.streamThreshold(),
                Math.max(d.maxCommandMemory(), config.maxCommandLine()), d.maxDepth(), d.maxTokens());
        this.tempDir = Files.createDirectories(Path.of("data", "tmp", "imap"));
        removeLeftLiterals(tempDir);
        for (ImapCommand c : commandTable()) {
            commands.put(c.name(), c);
        }
        this.hints = context.registerService(StoreListener.class, this::changed, null);
        this.listeners = new ListenerGroup(context, ListenerConfig.from("IMAP", config), serverName);
        listeners.open(new ListenerGroup.Port("imap", config.port(), TlsMode.STARTTLS, this),
                new ListenerGroup.Port("imaps", config.tlsPort(), TlsMode.IMPLICIT, this));
    }

    @Deactivate
    void deactivate() {
        store.close(); // a session waiting for a store ends its command now, within the stop's grace
        hints.unregister();
        listeners.close();
    }

    /** A store hint (on a store thread: must not block): the idling sessions of that user look. */
    private void changed(StoreEvent e) {
        Set<ImapSession> sessions = idling.get(e.user().toLowerCase(Locale.ROOT));
        if (sessions != null) {
            sessions.forEach(s -> s.hint(e));
        }
    }

    void idle(ImapSession s, boolean on) {
        String key = s.user().toLowerCase(Locale.ROOT);
        if (on) {
            idling.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(s);
        } else {
            idling.computeIfPresent(key, (k, set) -> {
                set.remove(s);
                return set.isEmpty() ? null : set;
            });
        }
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new ImapSession(connection, this).run();
    }

    @Override
    public String refusal(String reason) {
        return "* BYE [UNAVAILABLE] " + reason;
    }

    /** Every command this server has, one instance each (stateless: state is the session's). */
    static List<ImapCommand> commandTable() {
        return List.of(new Capability(), new Noop(), new Logout(), new StartTls(), new Login(),
                new Select(true), new Select(false), new ListCmd(), new Fetch(), new Store(), new Search(),
                new Expunge(), new Close(true), new Close(false), new Append(), new ListCmd(true), new Idle(),
                new Copy(), new Move(), new Authenticate(), new Create(), new Delete(), new Rename(),
                new Subscribe(true), new Subscribe(false), new Status(), new Namespace(), new Id(), new Enable(),
                new Check(), new GetQuota(), new GetQuotaRoot(), new SetQuota(), new Compress(), new Sort(),
                new ThreadCmd());
    }

    Map<String, ImapCommand> commands() {
        return commands;
    }

    /** Sessions under COMPRESS=DEFLATE now, on both listeners: their zlib state is outside the heap. */
    public java.util.concurrent.atomic.AtomicInteger compressedSessions() {
        return compressedSessions;
    }

    public ImapConfig config() {
        return config;
    }

    public ImapLimits limits() {
        return limits;
    }

    /**
     * Deletes literal files a killed server left (a session deletes its own when its command
     * ends); only those an hour old, far past any command's deadline, in case another
     * instance of this service is still finishing its sessions.
     */
    static int removeLeftLiterals(Path dir) {
        long before = System.currentTimeMillis() - java.time.Duration.ofHours(1).toMillis();
        int n = 0;
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "append*.tmp")) {
            for (Path p : ds) {
                try {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(p).toMillis() < before && Files.deleteIfExists(p)) {
                        n++;
                    }
                } catch (IOException e) { // its session deleted it meanwhile, or it cannot go: not a reason to stay down
                    LOG.debug("left literal {} not removed: {}", p, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot sweep {} of left literal files: {}", dir, e.toString());
        }
        return n;
    }

    Path tempDir() {
        return tempDir;
    }

    String serverName() {
        return serverName;
    }

    public Directory directory() {
        return directory;
    }

    /** The store bound now, or its replacement if one comes within the wait; null if none came. */
    MailStore store() {
        return store.awaitReplacement();
    }

    @Reference(name = "store", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindStore")
    void bindStore(MailStore s) {
        store.bind(s);
    }

    void unbindStore(MailStore s) {
        store.unbind(s);
    }
}
