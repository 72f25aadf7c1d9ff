package org.postrider.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Directory;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.DsnReturn;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.org.OrgServer;
import org.postrider.api.org.Organisation;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Router;
import org.postrider.api.queue.Submission;
import org.postrider.api.queue.Verdict;
import org.postrider.api.track.MessageTracking;
import org.postrider.api.track.TrackEvent;
import org.postrider.internal.proto.Ack;
import org.postrider.internal.proto.Auth;
import org.postrider.internal.proto.Begin;
import org.postrider.internal.proto.ErrorCode;
import org.postrider.internal.proto.Frame;
import org.postrider.internal.proto.FrameType;
import org.postrider.internal.proto.Frames;
import org.postrider.internal.proto.Hello;
import org.postrider.internal.proto.Nack;
import org.postrider.internal.proto.ProtocolException;
import org.postrider.internal.proto.Track;
import org.postrider.internal.wire.LinkAuth;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.PasswordChecks;
import org.postrider.lineserver.sasl.Credentials;
import org.postrider.lineserver.sasl.SaslDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One link in, the receiving side (spec sections 3 to 6): HELLO, authentication, then
 * messages, each answered in order with ACK only after the queue's commit returned.
 */
final class InternalSession {
    private static final Logger LOG = LoggerFactory.getLogger(InternalSession.class);
    private static final Logger MAILLOG = LoggerFactory.getLogger("postrider.mail");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Connection c;
    private final InternalService service;
    private int maxFrame;
    /** The largest frame a client (role 2) may send; see spec section 9. */
    static final int CLIENT_MAX_FRAME = 64 * 1024;
    private final byte[] header = new byte[Frame.HEADER];
    private int frameLimit = Frame.HELLO_MAX;
    /** The authenticated peer: a server name (role 1) or a user id (role 2). */
    private String peer;
    private boolean serverLink;
    /** The largest frame the peer takes (its HELLO): the bound of a TRACK_RESULT. */
    private int peerMaxFrame = Frame.HELLO_MAX;
    private String label;
    /** Writes to the connection: the session's thread and the committers' answers take turns. */
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    /** Messages of this link being committed at once (the window); the link is not read while it is full. */
    private final java.util.concurrent.Semaphore commits;
    /** The last answer in line: each answer is written after the one before it, whatever finishes first. */
    private java.util.concurrent.CompletableFuture<Void> answered = java.util.concurrent.CompletableFuture
            .completedFuture(null);
    private static final java.util.concurrent.ExecutorService COMMITTERS =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("internal-commit-", 0)
                    .factory());

    InternalSession(Connection c, InternalService service) {
        this.c = c;
        this.service = service;
        this.maxFrame = service.config().maxFrame();
        this.commits = new java.util.concurrent.Semaphore(Math.max(1, service.config().window()));
    }

    void run() throws IOException {
        try {
            if (!handshake()) {
                return;
            }
            loop();
            awaitAnswers();
        } catch (ProtocolException e) {
            awaitAnswers();
            LOG.info("internal link from {} ({}): {} {}", c.remote().getAddress().getHostAddress(),
                    peer == null ? "unauthenticated" : peer, e.code(), e.getMessage());
            if (!e.getMessage().startsWith("peer:")) {
                send(Frames.error(e.code(), e.getMessage()));
                flush();
            }
        }
    }

    /**
     * Lets the commits under way finish and their answers go out before the session ends
     * (bounded by the frame deadline): a committed message whose answer cannot be sent is
     * retransmitted by the peer and recognised.
     */
    private void awaitAnswers() {
        try {
            answered.get(c.settings().commandDeadline().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.debug("answers not all sent on the link from {}: {}", peer, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next frame's header, under the idle timeout, then its payload under the frame deadline; null at the end. */
    private Frame read() throws IOException {
        if (!c.awaitInput()) {
            return null;
        }
        c.readExact(header, 0, Frame.HEADER);
        int length = Frame.payloadLength(header, 0, frameLimit);
        int type = header[0] & 0xff;
        if (type == FrameType.DATA) {
            return dataFrame(length); // streamed by drain(), never held whole
        }
        byte[] payload = new byte[length];
        c.readExact(payload, 0, length);
        return new Frame(type, payload);
    }

    /** A DATA frame whose payload is left on the connection: {@link #pendingData} octets, streamed by the caller. */
    private Frame dataFrame(int length) {
        pendingData = length;
        return DATA_MARK;
    }

    private static final Frame DATA_MARK = new Frame(FrameType.DATA, new byte[0]);
    private int pendingData;

    private void send(Frame f) throws IOException {
        writing.lock();
        try {
            f.writeTo(c.output());
        } finally {
            writing.unlock();
        }
    }

    private void flush() throws IOException {
        writing.lock();
        try {
            c.flush();
        } finally {
            writing.unlock();
        }
    }

    /** Queues an answer behind the answers before it; it is written (and flushed) once it and they are ready. */
    private void inOrder(java.util.concurrent.CompletableFuture<Frame> answer) {
        answered = answered.thenCombine(answer, (before, frame) -> frame).thenAccept(frame -> {
            try {
                writing.lock();
                try {
                    frame.writeTo(c.output());
                    c.flush();
                } finally {
                    writing.unlock();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private boolean handshake() throws IOException {
        Frame first = read();
        if (first == null) {
            return false;
        }
        Hello hello = Hello.decode(first);
        if (hello.minVersion() > Hello.VERSION || hello.maxVersion() < Hello.VERSION) {
            throw new ProtocolException(ErrorCode.VERSION, "this server speaks version " + Hello.VERSION + " only");
        }
        serverLink = hello.role() == Hello.ROLE_SERVER_LINK;
        peerMaxFrame = hello.maxFrame();
        label = hello.name();
        if (!serverLink && !label.matches("[A-Za-z0-9][A-Za-z0-9.:\\[\\]-]{0,254}")) {
            // it becomes the Received field's "from": a client's word, never a line break or a field of its own
            throw new ProtocolException(ErrorCode.PROTOCOL, "a client names itself as a host name or address literal");
        }
        boolean pinnedPeer = false;
        if (serverLink) {
            // an unknown name learns nothing more, not even this server's nonce
            pinnedPeer = registered(hello).tlsFingerprint() != null;
        }
        byte[] nonce = new byte[Hello.NONCE];
        RANDOM.nextBytes(nonce);
        // a server the registry pins proves itself by that certificate only: the shared secret
        // alone (a copy of it anywhere) must not pass for it
        int methods = !serverLink ? Hello.AUTH_PLAIN : pinnedPeer ? Hello.AUTH_TLS : Hello.AUTH_TLS | Hello.AUTH_HMAC;
        if (!serverLink) {
            // a user's frames other than DATA (which is streamed, never held) are held whole:
            // bounded lower than a server's, many users' connections at once must fit in memory
            maxFrame = Math.min(maxFrame, CLIENT_MAX_FRAME);
        }
        send(new Hello(Hello.VERSION, Hello.VERSION, hello.role(), service.serverName(), maxFrame,
                service.config().maxMessageSize(), service.config().window(), methods, nonce).encode());
        flush();
        Frame f = read();
        if (f == null) {
            return false;
        }
        if (f.type() == FrameType.ERROR) {
            throw Frames.decodeError(f);
        }
        if (f.type() != FrameType.AUTH) {
            throw new ProtocolException(ErrorCode.NOT_AUTHENTICATED, FrameType.name(f.type()) + " before AUTH");
        }
        Auth auth = Auth.decode(f);
        byte[] proof = serverLink ? authenticateServer(hello, nonce, auth) : authenticateClient(auth);
        send(Auth.ok(proof));
        flush();
        c.login(peer); // for the listing of links in; no per-user limit here
        frameLimit = maxFrame;
        LOG.info("internal link from {} authenticated: {} {}", c.remote().getAddress().getHostAddress(),
                serverLink ? "server" : "user", peer);
        return true;
    }

    /** Spec 4.1: the claimed name must be a registered peer, proven by its certificate pin or the HMAC. */
    private byte[] authenticateServer(Hello hello, byte[] nonceServer, Auth auth) throws IOException {
        OrgServer known = registered(hello);
        String claimed = known.name();
        SSLSession tls = c.tlsSession();
        if (auth.method() == Hello.AUTH_TLS) {
            String pin = known.tlsFingerprint();
            String presented = null;
            try {
                Certificate[] chain = tls.getPeerCertificates();
                presented = LinkAuth.fingerprint(chain[0]);
            } catch (SSLPeerUnverifiedException e) {
                // no certificate: refused below
            }
            if (pin == null || presented == null || !MessageDigest.isEqual(pin.getBytes(StandardCharsets.US_ASCII),
                    presented.getBytes(StandardCharsets.US_ASCII))) {
                return refuse("certificate of " + claimed + " does not match the registered fingerprint");
            }
            peer = claimed;
            c.authSucceeded();
            return new byte[0];
        }
        if (auth.method() != Hello.AUTH_HMAC) {
            return refuse("a server link authenticates by certificate or HMAC");
        }
        if (known.tlsFingerprint() != null) {
            return refuse(claimed + " is pinned in the registry: it authenticates by its certificate, not by HMAC");
        }
        byte[] secret = service.secret().get();
        if (secret == null) {
            return refuse("no organisation secret on this server");
        }
        byte[] transcript = LinkAuth.transcript(hello.nonce(), nonceServer, claimed, service.serverName(),
                LinkAuth.sha256(tls.getLocalCertificates()[0]));
        if (!LinkAuth.same(auth.data(), LinkAuth.mac(secret, "client", transcript))) {
            return refuse("wrong HMAC from " + claimed);
        }
        peer = claimed;
        c.authSucceeded();
        return LinkAuth.mac(secret, "server", transcript);
    }

    /** The registry's entry for the name a server link claims; refused at once if there is none (spec 4.1). */
    private OrgServer registered(Hello hello) throws ProtocolException {
        Organisation org = service.organisation();
        String claimed;
        try {
            claimed = OrgServer.validName(hello.name());
        } catch (IllegalArgumentException e) {
            claimed = null;
        }
        Optional<OrgServer> known = org == null || claimed == null ? Optional.empty() : org.server(claimed);
        if (known.isEmpty() || known.get().name().equals(service.serverName())) {
            service.refusedLinks.incrementAndGet();
            c.authFailed();
            throw new ProtocolException(ErrorCode.UNKNOWN_PEER,
                    "server " + hello.name() + " is not a server of the organisation known here");
        }
        return known.get();
    }

    private byte[] refuse(String why) throws ProtocolException {
        service.refusedLinks.incrementAndGet();
        c.authFailed(); // the failed-login delay, doubling per failure from this address
        throw new ProtocolException(ErrorCode.AUTH_FAILED, why);
    }

    /** Spec 4.2: SASL PLAIN checked by the Directory, through the password gate and failure delay. */
    private byte[] authenticateClient(Auth auth) throws IOException {
        if (auth.method() != Hello.AUTH_PLAIN) {
            return refuse("client submission authenticates with PLAIN");
        }
        Directory directory = service.directory();
        if (directory == null) {
            throw new ProtocolException(ErrorCode.INTERNAL, "the directory is not available; try again later");
        }
        Credentials cred;
        try {
            cred = SaslDecoder.plain(auth.data());
        } catch (SaslDecoder.InvalidResponse e) {
            return refuse("malformed PLAIN response: " + e.getMessage());
        }
        AuthResult result;
        try {
            result = c.checkPassword(() -> directory.authenticate(cred.login(), cred.password()));
        } catch (PasswordChecks.Busy e) {
            throw new ProtocolException(ErrorCode.INTERNAL, e.getMessage());
        } finally {
            java.util.Arrays.fill(cred.password(), '\0');
        }
        if (!(result instanceof AuthResult.Success s)
                || !(cred.authorizationId().isEmpty() || cred.authorizationId().equals(cred.login()))) {
            return refuse("authentication failed");
        }
        c.authSucceeded();
        peer = s.user().id();
        return new byte[0];
    }

    private void loop() throws IOException {
        while (true) {
            if (c.stopping()) {
                awaitAnswers();
                send(Frames.error(ErrorCode.SHUTDOWN, "the server is stopping; try again later"));
                flush();
                return;
            }
            Frame f = read();
            if (f == null) {
                return;
            }
            switch (f.type()) {
                case FrameType.BEGIN -> message(Begin.decode(f, maxFrame));
                case FrameType.PING -> inOrder(done(Frames.ping(FrameType.PONG, Frames.decodePing(f))));
                case FrameType.TRACK -> inOrder(done(track(Track.Request.decode(f))));
                case FrameType.PONG -> Frames.decodePing(f);
                case FrameType.BYE -> {
                    Frames.requireEmpty(f);
                    return;
                }
                case FrameType.ERROR -> throw Frames.decodeError(f);
                default -> throw new ProtocolException(ErrorCode.PROTOCOL,
                        FrameType.name(f.type()) + " outside a message");
            }
        }
    }

    /**
     * What this server's journal holds about a message, for another server of the organisation
     * (its queue:track); a client submitter is not told where other people's mail went.
     */
    private Frame track(Track.Request r) throws ProtocolException {
        if (!serverLink) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "TRACK is for server links");
        }
        MessageTracking journal = service.tracking();
        List<Track.Event> events = new java.util.ArrayList<>();
        if (journal != null) {
            for (TrackEvent e : journal.find(r.messageId(), r.limit())) {
                events.add(new Track.Event(e.time(), e.server(), e.queueId(), e.messageId(), e.kind().name(),
                        e.recipient(), e.via(), e.peer(), e.detail()));
            }
        }
        LOG.debug("tracking asked by {} about <{}>: {} events", peer, r.messageId(), events.size());
        return Track.result(events, peerMaxFrame);
    }

    private static java.util.concurrent.CompletableFuture<Frame> done(Frame f) {
        return java.util.concurrent.CompletableFuture.completedFuture(f);
    }

    /** A recipient's verdict as the ACK gives it. */
    private record Checked(Recipient recipient, Ack.Result result) {
    }

    /** BEGIN, then DATA frames up to END (or ABORT): answered with ACK or NACK. */
    private void message(Begin b) throws IOException {
        TypedContent typed = null;
        if (b.typed()) {
            try {
                typed = TypedContent.open(b.properties(), service.incoming());
            } catch (org.postrider.mapi.PropFormatException e) {
                drain(null, Long.MAX_VALUE);
                answer(new Nack(b.transferId(), true, "5.6.0", "bad property set: " + e.getMessage()));
                return;
            }
        }
        try {
            message(b, typed);
        } finally {
            if (typed != null) {
                typed.close();
            }
        }
    }

    private void message(Begin b, TypedContent typed) throws IOException {
        Object verdict = check(b);
        if (verdict instanceof Nack n) {
            drain(null, Long.MAX_VALUE);
            answer(n);
            return;
        }
        @SuppressWarnings("unchecked")
        List<Checked> checked = (List<Checked>) verdict;
        List<Recipient> accepted = checked.stream().filter(x -> x.result().status() == Ack.ACCEPTED)
                .map(Checked::recipient).toList();
        MailQueue queue = service.queue();
        if (queue == null) {
            drain(null, Long.MAX_VALUE);
            answer(new Nack(b.transferId(), false, "4.3.0", "the queue is not available; try again later"));
            return;
        }
        if (typed != null) {
            TypedContent.Refusal refusal = typed.complete(sender(b), service.serverName(), !serverLink);
            if (refusal != null) {
                drain(null, Long.MAX_VALUE);
                answer(new Nack(b.transferId(), true, refusal.status(), refusal.text()));
                return;
            }
        }
        String key = key(b, checked, accepted);
        Optional<QueueId> earlier = queue.committedWith(key);
        if (earlier.isPresent()) {
            drain(null, Long.MAX_VALUE);
            service.duplicates.incrementAndGet();
            MAILLOG.info("internal transfer {} from {} is a retransmission of id={}: not queued again", b.transferId(),
                    peer, earlier.get());
            answer(new Ack(b.transferId(), earlier.get().value(), true, results(checked)));
            return;
        }
        Envelope envelope = envelope(b, accepted).withProperties(typed != null ? typed.forEnvelope()
                : serverLink ? TypedContent.passedOn(b.properties()) : null);
        Submission sub;
        try {
            sub = queue.begin(envelope, key);
        } catch (QueueException e) {
            drain(null, Long.MAX_VALUE);
            answer(new Nack(b.transferId(), e.permanent(), e.permanent() ? "5.3.0" : "4.3.0", e.getMessage()));
            return;
        }
        long got;
        long max = service.config().maxMessageSize();
        String refused = null;
        try {
            if (typed == null) {
                got = drain(sub.content(), max);
            } else {
                try (OutputStream streams = typed.streams()) {
                    got = drain(streams, max);
                }
                if (got >= 0 && got <= max) {
                    if (got != typed.streamOctets()) {
                        refused = got + " octets came for streams of " + typed.streamOctets();
                    } else {
                        typed.writeMime(sub.content());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            sub.close();
            throw e;
        }
        if (got < 0 || got > max || refused != null) {
            sub.close();
            answer(got < 0 ? new Nack(b.transferId(), false, "4.0.0", "aborted by the sender")
                    : got > max ? new Nack(b.transferId(), true, "5.3.4", "message larger than " + max + " octets")
                    : new Nack(b.transferId(), true, "5.6.0", refused));
            return;
        }
        // The commit (fsync) runs while the next message is read: commits of one link and of
        // all links share the queue's directory syncs, and answers still go out in order.
        try {
            commits.acquire();
        } catch (InterruptedException e) {
            sub.close();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        List<Ack.Result> results = results(checked);
        inOrder(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (sub) {
                QueueId id = sub.commit();
                service.acked.incrementAndGet();
                return new Ack(b.transferId(), id.value(), false, results).encode();
            } catch (QueueException e) {
                service.nacked.incrementAndGet();
                return new Nack(b.transferId(), e.permanent(), e.permanent() ? "5.3.0" : "4.3.0", e.getMessage())
                        .encode();
            } catch (RuntimeException e) {
                LOG.error("commit of internal transfer {} from {} failed", b.transferId(), peer, e);
                service.nacked.incrementAndGet();
                return new Nack(b.transferId(), false, "4.3.0", "the queue failed; try again later").encode();
            } finally {
                commits.release();
            }
        }, COMMITTERS));
    }

    private void answer(Nack n) {
        service.nacked.incrementAndGet();
        inOrder(done(n.encode()));
    }

    private void answer(Ack a) {
        service.acked.incrementAndGet();
        inOrder(done(a.encode()));
    }

    private static List<Ack.Result> results(List<Checked> checked) {
        return checked.stream().map(Checked::result).toList();
    }

    /**
     * Reads the message's DATA frames to END into {@code sink} (null discards), keeping at
     * most {@code max} octets: returns the octets received (more than max when over), or -1
     * after ABORT. An END whose total is not what came is a protocol error.
     */
    private long drain(OutputStream sink, long max) throws IOException {
        long total = 0;
        OutputStream out = sink;
        while (true) {
            Frame f = read();
            if (f == null) {
                throw new IOException("connection closed inside a message");
            }
            switch (f.type()) {
                case FrameType.DATA -> {
                    int n = pendingData;
                    if (out != null && total + n > max) {
                        out = null; // over the limit: the rest is read and discarded, the message refused
                    }
                    c.readExact(n, out);
                    total += n;
                }
                case FrameType.END -> {
                    long declared = Frames.decodeEnd(f);
                    if (declared != total) {
                        throw new ProtocolException(ErrorCode.PROTOCOL,
                                "END says " + declared + " octets, " + total + " came");
                    }
                    return sink != null && out == null ? Math.max(total, max + 1) : total;
                }
                case FrameType.ABORT -> {
                    Frames.requireEmpty(f);
                    return -1;
                }
                case FrameType.ERROR -> throw Frames.decodeError(f);
                default -> throw new ProtocolException(ErrorCode.PROTOCOL,
                        FrameType.name(f.type()) + " inside a message");
            }
        }
    }

    /** The recipients' verdicts, or the NACK of the whole message (spec section 5). */
    private Object check(Begin b) {
        Router router = service.router();
        if (router == null) {
            return new Nack(b.transferId(), false, "4.3.0", "the router is not available; try again later");
        }
        MailAddress sender = null;
        try {
            if (b.sender() != null) {
                sender = MailAddress.parse(b.sender());
            }
        } catch (InvalidAddressException e) {
            return new Nack(b.transferId(), true, "5.1.7", "bad sender address: " + e.getMessage());
        }
        if (!serverLink && sender != null && !sender.lookupKey().equals(peer)) {
            return new Nack(b.transferId(), true, "5.7.1", "sender " + sender + " is not owned by " + peer);
        }
        List<Checked> out = new ArrayList<>(b.recipients().size());
        boolean any = false;
        for (Begin.Rcpt r : b.recipients()) {
            MailAddress a;
            try {
                a = MailAddress.parse(r.address());
            } catch (InvalidAddressException e) {
                out.add(new Checked(null, new Ack.Result(Ack.PERMANENT, "5.1.3", "bad address: " + e.getMessage())));
                continue;
            }
            Verdict v = router.checkRecipient(sender, a, true);
            if (v.kind() == Verdict.Kind.DEFER) {
                return new Nack(b.transferId(), false, v.enhancedCode() == null ? "4.0.0" : v.enhancedCode(),
                        "<" + a + ">: " + v.text());
            }
            if (v.kind() == Verdict.Kind.REJECT) {
                out.add(new Checked(null, new Ack.Result(Ack.PERMANENT,
                        v.enhancedCode() == null ? "5.0.0" : v.enhancedCode(), v.text())));
                continue;
            }
            any = true;
            out.add(new Checked(new Recipient(a, notify(r.notifyBits()), r.orcpt()),
                    new Ack.Result(Ack.ACCEPTED, "2.1.5", "OK")));
        }
        if (!any) {
            return new Nack(b.transferId(), true, out.get(0).result().enhancedStatus(),
                    "no recipient accepted: " + out.get(0).result().text());
        }
        return out;
    }

    private static Set<DsnNotify> notify(int bits) {
        Set<DsnNotify> s = EnumSet.noneOf(DsnNotify.class);
        if ((bits & Begin.NOTIFY_NEVER) != 0) {
            s.add(DsnNotify.NEVER);
        }
        if ((bits & Begin.NOTIFY_SUCCESS) != 0) {
            s.add(DsnNotify.SUCCESS);
        }
        if ((bits & Begin.NOTIFY_FAILURE) != 0) {
            s.add(DsnNotify.FAILURE);
        }
        if ((bits & Begin.NOTIFY_DELAY) != 0) {
            s.add(DsnNotify.DELAY);
        }
        return s;
    }

    /** Spec section 6: the peer's transfer id, and which recipients this copy stands for when some were refused. */
    private String key(Begin b, List<Checked> checked, List<Recipient> accepted) {
        try {
            // hashed: a user id may be long or non-ASCII, and a key is short printable ASCII
            MessageDigest id = MessageDigest.getInstance("SHA-256");
            id.update((peer + "\n" + b.transferId()).getBytes(StandardCharsets.UTF_8));
            String k = (serverLink ? "internal:" : "internal-user:") + HexFormat.of().formatHex(id.digest());
            if (accepted.size() == checked.size()) {
                return k;
            }
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (Recipient r : accepted) {
                d.update(r.address().toString().getBytes(StandardCharsets.UTF_8));
                d.update((byte) '\n');
            }
            return k + ":" + HexFormat.of().formatHex(d.digest(), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The BEGIN's sender, parsed by {@link #check} before. */
    private static MailAddress sender(Begin b) {
        try {
            return b.sender() == null ? null : MailAddress.parse(b.sender());
        } catch (InvalidAddressException e) {
            throw new IllegalStateException("checked before", e);
        }
    }

    private Envelope envelope(Begin b, List<Recipient> accepted) {
        MailAddress sender = sender(b);
        String address = c.remote().getAddress().getHostAddress();
        Origin origin = serverLink ? new Origin("internal", peer, address, null, Instant.now(), peer)
                : new Origin("internal", label, address, peer, Instant.now());
        BodyType body = switch (b.body()) {
            case 0 -> BodyType.SEVEN_BIT;
            case 2 -> BodyType.BINARY_MIME;
            default -> BodyType.EIGHT_BIT_MIME;
        };
        DsnReturn ret = switch (b.ret()) {
            case 1 -> DsnReturn.FULL;
            case 2 -> DsnReturn.HEADERS;
            default -> null;
        };
        return new Envelope(sender, accepted, body, b.smtpUtf8(), b.declaredSize(), ret, b.envid(), origin);
    }
}
