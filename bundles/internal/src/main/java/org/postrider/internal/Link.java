package org.postrider.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.postrider.api.message.MessageContent;
import org.postrider.api.org.OrgServer;
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
import org.postrider.internal.wire.ClientHandshake;
import org.postrider.internal.wire.FrameChannel;
import org.postrider.internal.wire.LinkAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One link out to a server of the organisation, the sending side: connects, authenticates
 * (certificate pin when both ends are pinned in the registry, else HMAC), then carries
 * messages pipelined: each sender writes its BEGIN/DATA/END in turn and waits for its own
 * answer, which a reader thread hands over in order; at most the server's window of
 * messages is unanswered at once. Any failure ends the link and fails every message in
 * flight (the queue retries them; the receiver recognises a retransmission).
 */
final class Link implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Link.class);
    private static final SecureRandom RANDOM = new SecureRandom(); // PING tokens
    /** Octets of message content per DATA frame at most. */
    static final int CHUNK = 64 * 1024;
    /** The largest frame the sending side takes: answers are small (an ACK of 1000 recipients fits). */
    static final int ANSWER_MAX_FRAME = 1024 * 1024;

    /** What the link needs from its owner. */
    record Settings(String self, SSLContext tls, byte[] secret, boolean selfPinned, Duration connectTimeout,
            Duration answerTimeout) {
        /** The same, connecting within {@code limit} at most (a question that must be answered in time). */
        Settings within(Duration limit) {
            return connectTimeout.compareTo(limit) <= 0 ? this
                    : new Settings(self, tls, secret, selfPinned, limit, answerTimeout);
        }
    }

    private final OrgServer peer;
    private final Settings settings;
    private SSLSocket socket;
    /**
     * The TCP connection under {@link #socket}: closed first when failing, since closing the
     * TLS socket waits (no time limit) for its record lock, held by a writer blocked on a peer
     * that stopped reading; closing the TCP socket ends that write.
     */
    private Socket tcp;
    private FrameChannel channel;
    private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();
    private final Deque<Pending> pending = new ArrayDeque<>();
    private Semaphore window;
    private int chunk;
    /** The largest frame the peer takes (its HELLO): a BEGIN above it is split by the caller, never sent. */
    private volatile int peerMaxFrame = Frame.HELLO_MAX;
    private volatile boolean closed;
    private volatile String failure;
    private volatile long lastUsed = System.currentTimeMillis();
    /** When the peer last took a chunk or gave an answer: a link in flight without progress is stalled. */
    private volatile long lastProgress = System.currentTimeMillis();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    private final long opened = System.currentTimeMillis();
    private String method;

    private record Pending(String transferId, CompletableFuture<Object> answer, CompletableFuture<Long> pong,
            CompletableFuture<List<Track.Event>> track) {
    }

    Link(OrgServer peer, Settings settings) {
        this.peer = peer;
        this.settings = settings;
    }

    /**
     * Connects and authenticates, all under one deadline ({@code connectTimeout}: TCP, TLS and
     * the handshake together); throws with a clear text if the peer cannot be reached or proven.
     */
    void open() throws IOException {
        Socket tcp = new Socket();
        this.tcp = tcp;
        long deadline = System.currentTimeMillis() + settings.connectTimeout().toMillis();
        try {
            tcp.connect(new InetSocketAddress(peer.host(), peer.port()), (int) settings.connectTimeout().toMillis());
            socket = (SSLSocket) settings.tls().getSocketFactory().createSocket(tcp, peer.host(), peer.port(), true);
            socket.setUseClientMode(true);
            socket.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            socket.startHandshake();
            Certificate serverCert = socket.getSession().getPeerCertificates()[0];
            String seen = LinkAuth.fingerprint(serverCert);
            if (peer.tlsFingerprint() != null && !peer.tlsFingerprint().equals(seen)) {
                throw new ProtocolException(ErrorCode.AUTH_FAILED, "the certificate of " + peer.name() + " ("
                        + seen + ") is not the registered one");
            }
            channel = new FrameChannel(socket, peer.name(), CHUNK + 1024);
            channel.deadline(deadline);
            handshake(serverCert);
            channel.deadline(0); // the reader waits for answers; answerTimeout bounds each wait
            Thread.ofVirtual().name("internal-link-" + peer.name()).start(this::readLoop);
        } catch (IOException | RuntimeException e) {
            closeQuietly(tcp);
            closed = true;
            throw e;
        }
    }

    /** The next frame from the peer, or an IOException at the end of the stream. */
    private Frame next() throws IOException {
        return channel.next();
    }

    private void handshake(Certificate serverCert) throws IOException {
        boolean pinned = peer.tlsFingerprint() != null && settings.selfPinned();
        int methods = (pinned ? Hello.AUTH_TLS : 0) | (settings.secret() != null ? Hello.AUTH_HMAC : 0);
        ClientHandshake.Greeting g = ClientHandshake.hello(channel, Hello.ROLE_SERVER_LINK, settings.self(),
                ANSWER_MAX_FRAME, methods);
        Hello hello = g.server();
        if (!hello.name().equalsIgnoreCase(peer.name())) {
            ClientHandshake.refuse(channel, ErrorCode.UNKNOWN_PEER, "I meant to reach " + peer.name());
            throw new ProtocolException(ErrorCode.UNKNOWN_PEER, peer.host() + ":" + peer.port() + " says it is "
                    + hello.name() + ", not " + peer.name());
        }
        window = new Semaphore(Math.max(1, hello.window()));
        chunk = Math.max(1024, Math.min(CHUNK, hello.maxFrame()));
        peerMaxFrame = hello.maxFrame();
        byte[] transcript = null;
        Auth auth;
        if (pinned && (hello.authMethods() & Hello.AUTH_TLS) != 0) {
            method = "certificate";
            auth = new Auth(Hello.AUTH_TLS, new byte[0]);
        } else if (settings.selfPinned()) {
            throw new ProtocolException(ErrorCode.AUTH_FAILED, "this server is pinned in the registry, so it links by "
                    + "its certificate only; that needs " + peer.name() + " pinned too, and offering it");
        } else if (settings.secret() != null) {
            method = "hmac";
            transcript = LinkAuth.transcript(g.nonce(), hello.nonce(), settings.self(), hello.name(),
                    LinkAuth.sha256(serverCert));
            auth = new Auth(Hello.AUTH_HMAC, LinkAuth.mac(settings.secret(), "client", transcript));
        } else {
            throw new ProtocolException(ErrorCode.AUTH_FAILED, "no way to authenticate to " + peer.name()
                    + ": no organisation secret, and the two servers are not both pinned in the registry");
        }
        byte[] proof = ClientHandshake.authenticate(channel, auth);
        if (transcript != null && !LinkAuth.same(proof, LinkAuth.mac(settings.secret(), "server", transcript))) {
            ClientHandshake.refuse(channel, ErrorCode.AUTH_FAILED, "your proof is wrong");
            throw new ProtocolException(ErrorCode.AUTH_FAILED, peer.name() + " did not prove the organisation secret");
        }
    }

    private void send(Frame f) throws IOException {
        channel.send(f);
    }

    /**
     * Sends one message and waits for its answer: an {@link Ack} or a {@link Nack}. An
     * IOException means the link failed (the message may or may not have been taken: the
     * retry with the same transfer id settles it).
     */
    Object transfer(Begin begin, MessageContent content) throws IOException, InterruptedException {
        lastUsed = System.currentTimeMillis();
        Frame beginFrame = begin.encode();
        if (beginFrame.payload().length > peerMaxFrame) {
            throw new TooLarge(beginFrame.payload().length, peerMaxFrame);
        }
        InputStream body;
        try {
            body = content.open(); // before anything is written: a spool that cannot be read leaves the link alone
        } catch (IOException e) {
            throw new ContentFailure(e);
        }
        try (body) {
            return transfer(begin.transferId(), beginFrame, body);
        }
    }

    private Object transfer(String transferId, Frame beginFrame, InputStream body) throws IOException, InterruptedException {
        if (!window.tryAcquire(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("no answer from " + peer.name() + " within " + settings.answerTimeout());
        }
        CompletableFuture<Object> answer = new CompletableFuture<>();
        try {
            writeLock.lock();
            try {
                ensureOpen();
                synchronized (pending) {
                    pending.add(new Pending(transferId, answer, null, null));
                }
                lastProgress = System.currentTimeMillis();
                channel.write(beginFrame);
                long total = 0;
                boolean aborted = false;
                try {
                    byte[] buf = new byte[chunk];
                    int n;
                    while ((n = readChunk(body, buf)) > 0) {
                        channel.data(buf, n);
                        total += n;
                        lastProgress = System.currentTimeMillis();
                    }
                } catch (ContentFailure e) {
                    aborted = true; // the spool could not be read: the receiver gives the message up
                    LOG.warn("internal link to {}: message content unreadable, aborted: {}", peer.name(),
                            e.getCause().toString());
                }
                channel.send(aborted ? Frames.empty(FrameType.ABORT) : Frames.end(total));
                sent.incrementAndGet();
            } finally {
                writeLock.unlock();
            }
            return answer.get(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            fail("no answer within " + settings.answerTimeout());
            throw new IOException("no answer from " + peer.name() + " within " + settings.answerTimeout());
        } catch (IOException e) {
            fail(e.toString());
            throw e;
        } finally {
            window.release();
            lastUsed = System.currentTimeMillis();
        }
    }

    /** An exception reading the spool, not the link: the message is retried, the link goes on. */
    static final class ContentFailure extends IOException {
        private static final long serialVersionUID = 1L;

        ContentFailure(IOException cause) {
            super(cause);
        }
    }

    /** A BEGIN larger than the peer's frames: not sent; the caller sends fewer recipients at a time. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(int size, int max) {
            super("a BEGIN of " + size + " octets, more than the peer's frames (" + max + ")");
        }
    }

    private static int readChunk(InputStream in, byte[] buf) throws ContentFailure {
        try {
            return in.readNBytes(buf, 0, buf.length);
        } catch (IOException e) {
            throw new ContentFailure(e);
        }
    }

    /** A round trip (PING/PONG), for internal:test; returns microseconds. */
    long ping() throws IOException, InterruptedException {
        long token = RANDOM.nextLong();
        CompletableFuture<Long> pong = new CompletableFuture<>();
        long start = System.nanoTime();
        writeLock.lock();
        try {
            ensureOpen();
            synchronized (pending) {
                pending.add(new Pending(null, null, pong, null));
            }
            send(Frames.ping(FrameType.PING, token));
        } finally {
            writeLock.unlock();
        }
        try {
            long got = pong.get(settings.answerTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (got != token) {
                throw new ProtocolException(ErrorCode.PROTOCOL, "PONG with another token");
            }
            return (System.nanoTime() - start) / 1000;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            fail("no PONG");
            throw new IOException("no PONG from " + peer.name());
        }
    }

    /**
     * Asks the peer what its tracking journal holds about a message (TRACK, answered in turn with
     * the ACKs before it); at most {@code limit} events, waiting at most {@code timeout}.
     */
    List<Track.Event> track(String messageId, int limit, Duration timeout)
            throws IOException, InterruptedException {
        CompletableFuture<List<Track.Event>> answer = new CompletableFuture<>();
        lastUsed = System.currentTimeMillis();
        writeLock.lock();
        try {
            ensureOpen();
            synchronized (pending) {
                pending.add(new Pending(null, null, null, answer));
            }
            send(new Track.Request(messageId, Math.max(0, Math.min(limit, Track.MAX_EVENTS))).encode());
        } finally {
            writeLock.unlock();
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            fail("no TRACK_RESULT"); // answers are in turn: a late one would meet the next question
            throw new IOException("no answer to TRACK from " + peer.name() + " within " + timeout);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("link to " + peer.name() + " is closed" + (failure == null ? "" : ": " + failure));
        }
    }

    /** Hands each answer to the message (or ping) waiting at the head of the line. */
    private void readLoop() {
        try {
            while (!closed) {
                Frame f = next();
                lastProgress = System.currentTimeMillis();
                if (f.type() == FrameType.PING) {
                    writeLock.lock();
                    try {
                        send(Frames.ping(FrameType.PONG, Frames.decodePing(f)));
                    } finally {
                        writeLock.unlock();
                    }
                    continue;
                }
                if (f.type() == FrameType.BYE) {
                    throw new IOException(peer.name() + " ended the link");
                }
                Pending p;
                synchronized (pending) {
                    p = pending.poll();
                }
                if (p == null) {
                    throw new ProtocolException(ErrorCode.PROTOCOL, "an answer nobody waits for: "
                            + FrameType.name(f.type()));
                }
                if (f.type() == FrameType.PONG && p.pong() != null) {
                    p.pong().complete(Frames.decodePing(f));
                    continue;
                }
                if (f.type() == FrameType.TRACK_RESULT && p.track() != null) {
                    p.track().complete(Track.decodeResult(f));
                    continue;
                }
                Object a = switch (f.type()) {
                    case FrameType.ACK -> Ack.decode(f);
                    case FrameType.NACK -> Nack.decode(f);
                    default -> throw new ProtocolException(ErrorCode.PROTOCOL, "unexpected "
                            + FrameType.name(f.type()));
                };
                String id = a instanceof Ack ack ? ack.transferId() : ((Nack) a).transferId();
                if (p.answer() == null || !id.equals(p.transferId())) {
                    throw new ProtocolException(ErrorCode.PROTOCOL, "answer for " + id + " out of order");
                }
                answered.incrementAndGet();
                p.answer().complete(a);
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                LOG.info("internal link to {} ended: {}", peer.name(), e.getMessage());
            }
            if (e instanceof ProtocolException pe && !pe.getMessage().startsWith("peer:")) {
                try {
                    writeLock.lock();
                    try {
                        send(Frames.error(pe.code(), pe.getMessage()));
                    } finally {
                        writeLock.unlock();
                    }
                } catch (IOException ignored) {
                    // going anyway
                }
            }
            fail(e.getMessage());
        }
    }

    /** Ends the link and fails everything in flight. */
    void fail(String why) {
        if (failure == null) {
            failure = why;
        }
        closed = true;
        closeQuietly(tcp); // first: it ends a blocked write, which the TLS close would wait for
        closeQuietly(socket);
        synchronized (pending) {
            for (Pending p : pending) {
                IOException e = new IOException("link to " + peer.name() + " lost: " + why);
                if (p.answer() != null) {
                    p.answer().completeExceptionally(e);
                } else if (p.pong() != null) {
                    p.pong().completeExceptionally(e);
                } else {
                    p.track().completeExceptionally(e);
                }
            }
            pending.clear();
        }
    }

    boolean usable() {
        return !closed;
    }

    boolean idleSince(long millis) {
        synchronized (pending) {
            return pending.isEmpty() && lastUsed < millis;
        }
    }

    /** In flight and nothing taken or answered since {@code millis}: a write may be blocked on a peer that stopped. */
    boolean stalledSince(long millis) {
        synchronized (pending) {
            return !pending.isEmpty() && lastProgress < millis;
        }
    }

    int inFlight() {
        synchronized (pending) {
            return pending.size();
        }
    }

    String method() {
        return method;
    }

    long opened() {
        return opened;
    }

    String failure() {
        return failure;
    }

    /** An orderly end: BYE once nothing is in flight, then close. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        // BYE only if no transfer is writing: one blocked on a peer that stopped reading must not
        // block the closer too (the sweeper closes stalled links); failing closes the socket,
        // which ends that write
        if (writeLock.tryLock()) {
            try {
                send(Frames.empty(FrameType.BYE));
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            } finally {
                writeLock.unlock();
            }
        }
        fail("closed");
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }
}
