package org.postrider.imap;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.User;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.api.store.UidValidityChangedException;
import org.postrider.imap.command.ImapCommand;
import org.postrider.imap.parse.ImapLimits;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapRequestParser;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ParseError;
import org.postrider.imap.parse.ResponseWriter;
import org.postrider.lineserver.CommandLoop;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.Literal;
import org.postrider.lineserver.ProtocolViolation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP session on the shared command loop: lines go to the I/O-free parser; a literal it
 * announces is read by the loop (into the parser, or into a temporary file when large) and
 * the command resumes with the next line. Commands run one at a time; after each, in the
 * selected state, the session tells the client what changed meanwhile (from the store's
 * {@code changesSince}), expunges only where RFC 9051 7.5.1 allows them.
 */
public final class ImapSession extends CommandLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);

    /** RFC 9051 3 states (LOGOUT is the end of the session). */
    public enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED }

    private final ImapService service;
    private ImapRequestParser parser;
    private State state = State.NOT_AUTHENTICATED;
    private String user;
    private Selected selected;
    private int authFailures;
    private Path streamed;
    private OutputStream streamedOut;
    /** Every temporary file of the current command's large literals, deleted when it ends however it ends. */
    private final List<Path> streamedFiles = new java.util.ArrayList<>();
    private boolean utf8;
    private boolean rev2;
    /** ENABLE QRESYNC (RFC 7162 3.2.3): expunges are told as VANISHED, SELECT takes QRESYNC. */
    private boolean qresync;
    /**
     * The client issued a CONDSTORE enabling command (RFC 7162 3.1): from then on, until the
     * connection ends, untagged FETCH responses carry UID and MODSEQ. Before, a client that may
     * not know CONDSTORE is sent no MODSEQ it did not ask for.
     */
    private boolean condstore;
    /** Held by whoever writes to the client while the session idles: the session thread or a hint's. */
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    private volatile boolean idle;
    /** A hint came that no delivery has looked at yet. */
    private final java.util.concurrent.atomic.AtomicBoolean hinted = new java.util.concurrent.atomic.AtomicBoolean();
    /** A hint-delivery thread runs: at most one per session, however many hints come (they coalesce). */
    private final java.util.concurrent.atomic.AtomicBoolean delivering = new java.util.concurrent.atomic.AtomicBoolean();

    ImapSession(Connection connection, ImapService service) {
        super(connection, service.config().maxBadCommands());
        this.service = service;
        this.parser = new ImapRequestParser(service.limits());
    }

    @Override
    protected boolean greet() throws IOException {
        reply("* OK [CAPABILITY " + capabilities() + "] Postrider IMAP ready");
        return true;
    }

    @Override
    protected void answer(ProtocolViolation v) throws IOException {
        if (v.kind() == ProtocolViolation.Kind.TIMEOUT) {
            reply("* BYE autologout: idle for too long");
        } else {
            reply((v.fatal() ? "* BYE " : "* BAD ") + v.getMessage());
        }
    }

    @Override
    protected String shuttingDown() {
        return "* BYE [UNAVAILABLE] server shutting down";
    }

    @Override
    protected String tooManyErrors() {
        return "* BYE too many bad commands, closing";
    }

    @Override
    protected void dispatch(String line) throws IOException {
        feed((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void resume(String line) throws IOException {
        if (streamed != null && parser.status() == ImapRequestParser.Status.STREAM_LITERAL) {
            parser.literalStreamed(streamed);
        }
        feed((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void literalRefused(Literal literal) throws IOException {
        abandon();
        reply("* BAD literal too large");
    }

    @Override
    protected void abandon() {
        parser = new ImapRequestParser(service.limits());
        parser.authenticated(state != State.NOT_AUTHENTICATED);
        dropStreamed();
    }

    private void dropStreamed() {
        if (streamedOut != null) {
            try {
                streamedOut.close();
            } catch (IOException e) {
                LOG.debug("Cannot close {}", streamed, e);
            }
            streamedOut = null;
        }
        for (Path p : streamedFiles) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("Cannot delete {}", p, e);
            }
        }
        streamedFiles.clear();
        streamed = null;
    }

    @Override
    protected void finish() {
        dropStreamed();
    }

    /** Feeds octets to the parser and acts on what it says, until they are used up or a literal comes. */
    private void feed(byte[] data) throws IOException {
        int off = 0;
        while (!ended()) {
            off += parser.feed(data, off, data.length - off);
            switch (parser.status()) {
                case COMPLETE -> {
                    ImapRequest r = parser.take();
                    try {
                        execute(r);
                    } finally {
                        dropStreamed();
                    }
                    if (off >= data.length) {
                        return;
                    }
                }
                case ERROR -> {
                    ParseError e = parser.takeError();
                    dropStreamed();
                    if (e.fatal()) {
                        reply(e.response());
                        end();
                        return;
                    }
                    bad(e.response());
                    if (off >= data.length) {
                        return;
                    }
                }
                case CONTINUE -> {
                    literalFollows(Literal.synchronizing(parser.literalSize(), Long.MAX_VALUE,
                            "+ Ready for literal data", parserSink()));
                    return;
                }
                case STREAM_LITERAL -> {
                    streamed = Files.createTempFile(service.tempDir(), "append", ".tmp");
                    streamedFiles.add(streamed);
                    OutputStream out = Files.newOutputStream(streamed);
                    streamedOut = out;
                    OutputStream sink = new java.io.FilterOutputStream(out) {
                        @Override
                        public void write(byte[] b, int o, int l) throws IOException {
                            out.write(b, o, l);
                        }
                    };
                    long size = parser.literalSize();
                    literalFollows(parser.literalSynchronizing()
                            ? Literal.synchronizing(size, Long.MAX_VALUE, "+ Ready for literal data", closing(sink, size))
                            : Literal.nonSynchronizing(size, Long.MAX_VALUE, closing(sink, size)));
                    return;
                }
                case NEED_MORE -> {
                    if (parser.started() && off >= data.length) { // a line ended: the octets of {n+} follow
                        literalFollows(Literal.nonSynchronizing(parser.literalSize(), Long.MAX_VALUE, parserSink()));
                    }
                    return;
                }
            }
        }
    }

    /** A sink that closes its file once {@code size} octets went through it. */
    private static OutputStream closing(OutputStream sink, long size) throws IOException {
        if (size == 0) {
            sink.close();
        }
        return new OutputStream() {
            private long left = size;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sink.write(b, off, len);
                left -= len;
                if (left <= 0) {
                    sink.close();
                }
            }
        };
    }

    /** The literal's octets go to the parser as they arrive. */
    private OutputStream parserSink() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                int done = 0;
                while (done < len) {
                    done += parser.feed(b, off + done, len - done);
                    if (parser.status() != ImapRequestParser.Status.NEED_MORE) {
                        break; // an error inside the literal: reported when the command resumes
                    }
                }
            }
        };
    }

    private void execute(ImapRequest r) throws IOException {
        ImapCommand c = service.commands().get(r.command());
        String refused = refusal(c, r, state);
        if (refused != null) {
            bad(refused);
            return;
        }
        try {
            c.execute(this, r);
        } catch (ImapSyntaxException e) {
            bad(r.tag() + " BAD " + (e.code() == null ? "" : "[" + e.code() + "] ") + e.getMessage());
        } catch (UidValidityChangedException e) {
            reply("* BYE [UNAVAILABLE] the mailbox was recreated: " + e.getMessage());
            end();
        } catch (StoreException e) {
            String code = e instanceof org.postrider.api.store.QuotaExceededException ? " NO [OVERQUOTA] "
                    : e.temporary() ? " NO [UNAVAILABLE] " : " NO ";
            reply(r.tag() + code + e.getMessage());
        }
    }

    /**
     * The BAD answer to a request the command rules refuse before it runs, or null: an unknown
     * command, a UID prefix before a command without a UID form, a command not allowed in the
     * session's state.
     */
    static String refusal(ImapCommand c, ImapRequest r, State state) {
        if (c == null) {
            return r.tag() + " BAD unknown command " + (r.uid() ? "UID " : "") + r.command();
        }
        if (r.uid() && !c.takesUid()) {
            return r.tag() + " BAD " + r.command() + " has no UID form";
        }
        if (!c.states().contains(state)) {
            return r.tag() + " BAD " + r.command() + " is not allowed " + switch (state) {
                case NOT_AUTHENTICATED -> "before login";
                case AUTHENTICATED -> "without a selected mailbox";
                case SELECTED -> "now";
            };
        }
        return null;
    }

    // ---- used by the commands

    public State state() {
        return state;
    }

    public Connection connection() {
        return connection;
    }

    public ImapService service() {
        return service;
    }

    public String user() {
        return user;
    }

    public Selected selected() {
        return selected;
    }

    public boolean utf8() {
        return utf8;
    }

    public void enableUtf8() {
        utf8 = true;
    }

    /** Whether the client enabled IMAP4rev2 (RFC 9051): no \Recent, ESEARCH for SEARCH, UTF-8 names. */
    public boolean rev2() {
        return rev2;
    }

    public void enableRev2() {
        rev2 = true;
        utf8 = true;
    }

    public boolean qresync() {
        return qresync;
    }

    public void enableQresync() {
        qresync = true;
        condstore = true; // RFC 7162 3.2.3: enabling QRESYNC enables CONDSTORE
    }

    /** Whether CONDSTORE is enabled: untagged FETCH responses carry UID and MODSEQ. */
    public boolean condstore() {
        return condstore;
    }

    /** A CONDSTORE enabling command (RFC 7162 3.1) came: never turned off within the connection. */
    public void enableCondstore() {
        condstore = true;
    }

    public void reply(String line) throws IOException {
        connection.reply(line);
    }

    public void write(byte[] bytes) throws IOException {
        connection.write(bytes, 0, bytes.length);
    }

    public void flush() throws IOException {
        connection.flush();
    }

    /** The store bound now or its replacement within the wait; a temporary failure if none comes. */
    public MailStore store() throws StoreException {
        MailStore s = service.store();
        if (s == null) {
            throw new StoreException("the mail store is being updated, try again", true);
        }
        return s;
    }

    /** Plaintext credentials may be used: under TLS, or where the administrator allows it. */
    public boolean mayAuthenticate() {
        return connection.secure() || service.config().allowPlaintextAuth();
    }

    public String capabilities() {
        StringBuilder sb = new StringBuilder("IMAP4rev1 IMAP4rev2");
        for (ImapCommand c : service.commands().values()) {
            String cap = c.capability(this);
            if (cap != null) {
                sb.append(' ').append(cap);
            }
        }
        sb.append(" LITERAL+ UIDPLUS UNSELECT CHILDREN SPECIAL-USE ESEARCH CONDSTORE")
                .append(" APPENDLIMIT=").append(service.limits().maxLiteralAfterLogin());
        return sb.toString();
    }

    /**
     * Answers a login: on success the session is authenticated, on failure one answer for
     * unknown user and wrong password, after the failure delay; too many end the session.
     */
    public void authenticated(String tag, String login, AuthResult result) throws IOException {
        if (!(result instanceof AuthResult.Success success)) {
            connection.authFailed();
            LOG.info("imap login failed for {} from {}", sanitize(login), connection.remote().getAddress()
                    .getHostAddress());
            reply(tag + " NO [AUTHENTICATIONFAILED] authentication failed");
            if (++authFailures >= 3) {
                reply("* BYE too many authentication failures");
                end();
            }
            return;
        }
        connection.authSucceeded();
        User u = success.user();
        if (!service.serverName().equalsIgnoreCase(u.homeServer())) {
            reply(tag + " NO [UNAVAILABLE] the mailbox of " + u.id() + " is on server " + u.homeServer());
            return;
        }
        if (!connection.login(u.id())) {
            reply(tag + " NO [LIMIT] too many sessions of " + u.id());
            return;
        }
        user = u.id();
        state = State.AUTHENTICATED;
        parser.authenticated(true);
        LOG.info("imap login {} from {}", user, connection.remote().getAddress().getHostAddress());
        reply(tag + " OK [CAPABILITY " + capabilities() + "] logged in");
    }

    /** Checks a password login (LOGIN, AUTHENTICATE PLAIN); null when the directory is away. */
    public AuthResult checkPassword(String login, char[] password) throws IOException,
            org.postrider.lineserver.PasswordChecks.Busy {
        Directory d = service.directory();
        try {
            if (d == null) {
                return null;
            }
            return connection.checkPassword(() -> d.authenticate(login, password));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * IDLE begins (RFC 2177): store hints for the selected mailbox are told to the client at
     * once, from a thread of their own, while this session's thread waits for DONE.
     */
    public void startIdle() throws IOException, StoreException {
        writing.lock();
        try {
            idle = true;
            service.idle(this, true);
            sync(true); // what changed before the hints began to count
            flush();
        } finally {
            writing.unlock();
        }
    }

    /** IDLE ends: no hint writes after this returns. */
    public void stopIdle() {
        writing.lock();
        try {
            idle = false;
            service.idle(this, false);
        } finally {
            writing.unlock();
        }
    }

    /**
     * A store hint, on a store thread (never blocks): tells an idling client what changed. One
     * thread per session delivers; hints that come meanwhile coalesce into its next look. A
     * client that stops reading holds that one thread at most until the write deadline.
     */
    void hint(org.postrider.api.store.StoreEvent e) {
        Selected s = selected;
        if (!idle || s == null || e.kind() != org.postrider.api.store.StoreEvent.Kind.CHANGED
                || !e.folder().equals(s.ref().folder())) {
            return;
        }
        hinted.set(true);
        if (delivering.compareAndSet(false, true)) {
            Thread.startVirtualThread(this::deliverHints);
        }
    }

    private void deliverHints() {
        do {
            while (hinted.getAndSet(false)) {
                // waits for a store being replaced here, before the writing lock: DONE is never held up
                MailStore now = service.store();
                writing.lock();
                try {
                    if (idle && now != null) {
                        sync(now, true, java.util.Map.of());
                        flush();
                    }
                } catch (IOException | StoreException | RuntimeException ex) {
                    LOG.debug("imap idle update for {} failed", user, ex);
                } finally {
                    writing.unlock();
                }
            }
            delivering.set(false);
            // a hint that came after the last look but saw this thread still running
        } while (hinted.get() && delivering.compareAndSet(false, true));
    }

    public void select(Selected s) {
        selected = s;
        state = s == null ? State.AUTHENTICATED : State.SELECTED;
    }

    /**
     * Tells the client what changed in the selected mailbox since it last heard: new messages
     * (EXISTS), flag changes (FETCH), and, where {@code expunges} allows, expunged ones
     * (EXPUNGE, highest number first is not needed: each is numbered as the client counts;
     * after ENABLE QRESYNC one VANISHED of their UIDs instead, RFC 7162 3.2.10). Returns
     * whether it told of an expunge.
     */
    public boolean sync(boolean expunges) throws IOException, StoreException {
        return sync(expunges, java.util.Map.of());
    }

    /**
     * As {@link #sync(boolean)}, leaving out the flag changes this session's own command has
     * just answered ({@code told}: UID to the MODSEQ it reported).
     */
    public boolean sync(boolean expunges, java.util.Map<Long, Long> told) throws IOException, StoreException {
        return selected == null ? false : sync(store(), expunges, told);
    }

    private boolean sync(MailStore store, boolean expunges, java.util.Map<Long, Long> told)
            throws IOException, StoreException {
        Selected s = selected;
        if (s == null) {
            return false;
        }
        Changes c = store.changesSince(s.ref(), s.modSeq(), false); // flags and UIDs only
        s.holdExpunged(s.known(c.vanished()), s.modSeq());
        boolean expunged = false;
        if (expunges) {
            UidSet.Builder vanished = new UidSet.Builder();
            int pending = 0;
            for (long uid : s.takeHeld()) { // in UID order
                int n = s.remove(uid);
                if (n > 0 && qresync) {
                    vanished.add(uid);
                    if (++pending == 1000) { // lines of bounded length
                        reply("* VANISHED " + vanished.build());
                        vanished = new UidSet.Builder();
                        pending = 0;
                    }
                } else if (n > 0) {
                    reply("* " + n + " EXPUNGE");
                }
                expunged |= n > 0;
            }
            if (pending > 0) {
                reply("* VANISHED " + vanished.build());
            }
        }
        int before = s.exists();
        for (MessageMeta m : c.changed()) {
            if (m.uid() > s.lastUid()) {
                s.add(m.uid());
            }
        }
        if (s.exists() != before) {
            reply("* " + s.exists() + " EXISTS");
        }
        for (MessageMeta m : c.changed()) {
            int n = s.number(m.uid());
            if (n > 0 && n <= before && !Long.valueOf(m.modSeq()).equals(told.get(m.uid()))) {
                reply(flagUpdate(n, m, s, condstore));
            }
        }
        s.modSeq(c.highestModSeq());
        if (qresync && s.holdsExpunges()) { // RFC 7162 3.2: MODSEQs above them were told; resuming starts below
            reply("* OK [HIGHESTMODSEQ " + s.heldSince() + "] expunges not yet told");
        }
        return expunged;
    }

    /**
     * The untagged FETCH that tells a flag change the client did not ask for: UID and FLAGS, and
     * MODSEQ only once CONDSTORE is enabled (RFC 7162 3.1).
     */
    static String flagUpdate(int n, MessageMeta m, Selected s, boolean condstore) {
        return "* " + n + " FETCH (UID " + m.uid() + " FLAGS (" + flags(m, s) + ")"
                + (condstore ? " MODSEQ (" + m.modSeq() + ")" : "") + ")";
    }

    /** A message's flags as IMAP writes them, \Recent where it is for this session. */
    public static String flags(MessageMeta m, Selected s) {
        StringBuilder sb = new StringBuilder();
        for (Flag f : FLAGS) {
            if (m.flags().contains(f)) {
                sb.append(sb.isEmpty() ? "" : " ").append(FLAG_NAMES[f.ordinal()]);
            }
        }
        if (!m.keywords().isEmpty()) {
            for (String k : m.keywords().stream().sorted().toList()) {
                sb.append(sb.isEmpty() ? "" : " ").append(k);
            }
        }
        if (s != null && s.recent(m.uid())) {
            sb.append(sb.isEmpty() ? "" : " ").append("\\Recent");
        }
        return sb.toString();
    }

    /**
     * As {@link #flags}, written straight into a response: FETCH FLAGS of a whole folder writes
     * it for every message, with no string made for each (the cost of a first FETCH, before
     * the JIT compiles it, is the work per message).
     */
    public static void writeFlags(ResponseWriter w, MessageMeta m, Selected s) {
        boolean first = true;
        Set<Flag> flags = m.flags();
        if (!flags.isEmpty()) {
            for (int i = 0; i < FLAGS.length; i++) {
                if (flags.contains(FLAGS[i])) {
                    if (!first) {
                        w.sp();
                    }
                    w.raw(FLAG_BYTES[i]);
                    first = false;
                }
            }
        }
        if (!m.keywords().isEmpty()) {
            for (String k : m.keywords().stream().sorted().toList()) {
                if (!first) {
                    w.sp();
                }
                w.raw(k);
                first = false;
            }
        }
        if (s != null && s.recent(m.uid())) {
            if (!first) {
                w.sp();
            }
            w.raw(RECENT);
        }
    }

    private static final byte[] RECENT = "\\Recent".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final Flag[] FLAGS = Flag.values();
    private static final String[] FLAG_NAMES = java.util.Arrays.stream(FLAGS).map(ImapSession::name)
            .toArray(String[]::new);

    private static final byte[][] FLAG_BYTES = java.util.Arrays.stream(FLAG_NAMES)
            .map(n -> n.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    public static String flagName(Flag f) {
        return FLAG_NAMES[f.ordinal()];
    }

    private static String name(Flag f) {
        String n = f.name();
        return "\\" + n.charAt(0) + n.substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    public static final List<String> SYSTEM_FLAGS = List.of("\\Answered", "\\Flagged", "\\Deleted", "\\Seen",
            "\\Draft");

    /** A client-given name for the log: bounded, printable ASCII only. */
    static String sanitize(String s) {
        return (s.length() > 100 ? s.substring(0, 100) : s).replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** UIDs of a set that this session knows, for commands given message numbers or UIDs. */
    public UidSet resolve(org.postrider.imap.parse.SequenceSet set, boolean uid) {
        Selected s = selected;
        if (set.saved()) {
            return s.known(s.saved());
        }
        if (uid) {
            return s.known(set.resolve(s.lastUid() == 0 ? 1 : s.lastUid(), UidSet.empty()));
        }
        return s.uidsOf(set.resolve(s.exists(), UidSet.empty()));
    }
}
