package org.postrider.patmos;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.postrider.api.props.Blob;
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
import org.postrider.internal.wire.ClientHandshake;
import org.postrider.internal.wire.FrameChannel;
import org.postrider.mapi.PropEncoder;
import org.postrider.mapi.PropFormatException;
import org.postrider.mapi.PropLimits;

/**
 * A user's connection to its mailbox server over the internal transport (client submission,
 * role 2): TLS, HELLO, SASL PLAIN, then messages, pipelined up to the server's window. Each
 * message is answered only once the server's queue has it durably; a message sent again with
 * the same transfer id after a lost connection is recognised and not queued twice.
 * One thread at a time.
 */
public final class PatmosClient implements AutoCloseable {
    public static final int DEFAULT_PORT = 2700;
    /** Octets of content per DATA frame at most (the server's max frame may be lower). */
    static final int CHUNK = 64 * 1024;
    /** The largest answer taken (an ACK for 1000 recipients fits). */
    static final int MAX_ANSWER_FRAME = 1 << 20;

    private final SSLSocket socket;
    /**
     * The TCP connection under {@link #socket}, closed first on abandoning: closing the TLS
     * socket waits (no time limit) for its record lock, held by the writer while it is blocked
     * on a server that stopped reading; closing the TCP socket ends that write.
     */
    private final Socket tcp;
    private final FrameChannel channel;
    private final Hello server;
    private final Duration answerTimeout;
    private volatile boolean closed;

    private PatmosClient(Socket tcp, SSLSocket socket, FrameChannel channel, Hello server,
            Duration answerTimeout) {
        this.tcp = tcp;
        this.socket = socket;
        this.channel = channel;
        this.server = server;
        this.answerTimeout = answerTimeout;
    }

    /**
     * Connects and logs in, all within {@code timeout}; a wrong password is an IOException
     * (after the server's failed-login delay). The password array is not kept.
     *
     * @param timeout the connection, TLS and login together; also the longest wait for an answer
     */
    public static PatmosClient connect(String host, int port, Trust trust, String user, char[] password,
            Duration timeout) throws IOException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Socket tcp = new Socket();
        try {
            tcp.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            SSLSocket s = (SSLSocket) trust.context().getSocketFactory().createSocket(tcp, host, port, true);
            s.setUseClientMode(true);
            trust.prepare(s);
            s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
            s.startHandshake();
            trust.check(s);
            FrameChannel ch = new FrameChannel(s, host + ":" + port, CHUNK + 1024);
            ch.deadline(deadline);
            ClientHandshake.Greeting g = ClientHandshake.hello(ch, Hello.ROLE_CLIENT, "patmos", MAX_ANSWER_FRAME,
                    Hello.AUTH_PLAIN);
            if ((g.server().authMethods() & Hello.AUTH_PLAIN) == 0) {
                throw new ProtocolException(ErrorCode.AUTH_FAILED, "the server takes no password here");
            }
            byte[] plain = ("\0" + user + "\0" + new String(password)).getBytes(StandardCharsets.UTF_8);
            try {
                ClientHandshake.authenticate(ch, new Auth(Hello.AUTH_PLAIN, plain));
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
            ch.deadline(0);
            return new PatmosClient(tcp, s, ch, g.server(), timeout);
        } catch (IOException | RuntimeException e) {
            try {
                tcp.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            throw e;
        }
    }

    /** The server's name, as its HELLO gave it. */
    public String serverName() {
        return server.name();
    }

    /** Submits one message and waits for the server's answer. */
    public Outcome submit(Outgoing message) throws IOException {
        return submitAll(List.of(message)).get(0);
    }

    /** A message ready to go: its BEGIN and the octets that follow it. */
    private record Prepared(Outgoing message, Frame begin, List<Blob> content) {
    }

    /**
     * Submits the messages pipelined (up to the server's window unanswered at once) and
     * returns the answers in their order. Each is checked before anything is sent: a typed
     * message whose property set does not fit the server's frame is refused here. The wait for
     * a message's answer (the {@code timeout} of {@link #connect}) starts once the message is
     * written whole: a large message on a slow link takes the time its upload takes, bounded
     * instead by its progress (no octet taken for that long fails it). A failure of the
     * connection is a {@link SubmissionInterrupted} with the outcomes answered before it.
     */
    public List<Outcome> submitAll(List<Outgoing> messages) throws IOException {
        if (closed) {
            throw new IOException("the connection is closed");
        }
        List<Prepared> ready = new ArrayList<>(messages.size());
        for (Outgoing m : messages) {
            ready.add(prepare(m));
        }
        Semaphore window = new Semaphore(Math.max(1, server.window()));
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        List<CompletableFuture<Void>> written = new ArrayList<>(ready.size());
        ready.forEach(p -> written.add(new CompletableFuture<>()));
        uploadProgress = System.currentTimeMillis();
        Thread writer = Thread.ofVirtual().name("patmos-writer").start(() -> {
            int i = 0;
            try {
                for (; i < ready.size(); i++) {
                    window.acquire();
                    write(ready.get(i));
                    written.get(i).complete(null);
                }
            } catch (IOException e) {
                writeFailure.set(e);
                abandon();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                for (; i < ready.size(); i++) {
                    written.get(i).completeExceptionally(new IOException("not sent"));
                }
            }
        });
        List<Outcome> out = new ArrayList<>(ready.size());
        try {
            for (int i = 0; i < ready.size(); i++) {
                awaitUpload(written.get(i), writeFailure);
                channel.deadline(System.currentTimeMillis() + answerTimeout.toMillis());
                Frame f = channel.next();
                out.add(outcome(ready.get(i), f));
                window.release();
            }
            channel.deadline(0);
        } catch (IOException e) {
            abandon();
            writer.interrupt(); // it may wait for a window place that no answer will free now
            IOException w = writeFailure.get();
            throw new SubmissionInterrupted(w != null ? w : e, out,
                    ready.subList(out.size(), ready.size()).stream().map(p -> p.message().transferId()).toList());
        } finally {
            try {
                writer.join(answerTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return out;
    }

    /** When the writer last had octets taken by the connection (epoch millis). */
    private volatile long uploadProgress;

    /**
     * Until the message is written whole: its answer cannot come before. No deadline for the
     * upload as a whole (a slow link may take long), but one for its progress.
     */
    private void awaitUpload(CompletableFuture<Void> written, AtomicReference<IOException> writeFailure)
            throws IOException {
        while (true) {
            try {
                written.get(Math.min(1000, answerTimeout.toMillis()), TimeUnit.MILLISECONDS);
                return;
            } catch (java.util.concurrent.TimeoutException e) {
                if (System.currentTimeMillis() - uploadProgress > answerTimeout.toMillis()) {
                    throw new ProtocolException(ErrorCode.TIMEOUT, "the server took no octet for " + answerTimeout);
                }
            } catch (java.util.concurrent.ExecutionException e) {
                IOException w = writeFailure.get();
                throw w != null ? w : new IOException("the message was not sent");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
    }

    private Prepared prepare(Outgoing m) throws IOException {
        boolean utf8 = !isAscii(m.sender()) || m.recipients().stream().anyMatch(r -> !isAscii(r));
        List<Begin.Rcpt> rcpts = m.recipients().stream().map(r -> new Begin.Rcpt(r, 0, null)).toList();
        List<Blob> content;
        byte[] props;
        if (m.typed() != null) {
            PropEncoder.Encoded enc;
            try {
                enc = PropEncoder.encode(m.typed(), PropLimits.DEFAULTS);
            } catch (PropFormatException e) {
                throw new IllegalArgumentException("the message's properties cannot be sent: " + e.getMessage(), e);
            }
            content = enc.streams();
            props = enc.octets();
        } else {
            content = List.of(m.mime());
            props = new byte[0];
        }
        long size = content.stream().mapToLong(Blob::size).sum();
        Frame begin = new Begin(m.transferId(), m.sender(), utf8, m.typed() != null, 1, 0, null, size, rcpts, "MAPI",
                null, null, null, System.currentTimeMillis(), props).encode();
        if (begin.payload().length > server.maxFrame()) {
            throw new IllegalArgumentException("message " + m.transferId() + ": its envelope and property set take "
                    + begin.payload().length + " octets, more than the server's frames (" + server.maxFrame()
                    + "); send large values as streams");
        }
        if (size > server.maxMessage()) {
            throw new IllegalArgumentException("message " + m.transferId() + ": " + size
                    + " octets, more than the server takes (" + server.maxMessage() + ")");
        }
        return new Prepared(m, begin, content);
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** BEGIN, DATA frames, END; ABORT when a source cannot be read or is not the length it said. */
    private void write(Prepared p) throws IOException {
        channel.write(p.begin());
        int chunk = Math.min(CHUNK, server.maxFrame());
        byte[] buf = new byte[chunk];
        long total = 0;
        boolean aborted = false;
        for (Blob b : p.content()) {
            long left = b.size();
            try (InputStream in = b.open()) {
                while (left > 0) {
                    int n = in.readNBytes(buf, 0, (int) Math.min(chunk, left));
                    if (n == 0) {
                        break;
                    }
                    channel.data(buf, n);
                    uploadProgress = System.currentTimeMillis();
                    left -= n;
                    total += n;
                }
            } catch (IOException e) {
                if (socket.isClosed() || tcp.isClosed()) {
                    throw e;
                }
                aborted = true; // the source, not the connection: the server gives this message up
            }
            if (left != 0 || aborted) {
                aborted = true;
                break;
            }
        }
        channel.send(aborted ? Frames.empty(FrameType.ABORT) : Frames.end(total));
        uploadProgress = System.currentTimeMillis();
    }

    private static Outcome outcome(Prepared p, Frame f) throws IOException {
        String id = p.message().transferId();
        if (f.type() == FrameType.NACK) {
            Nack n = Nack.decode(f);
            check(id, n.transferId());
            return new Outcome(id, n.permanent() ? Outcome.Status.REFUSED : Outcome.Status.REFUSED_TEMPORARILY, null,
                    false, n.enhancedStatus(), n.text(), List.of());
        }
        if (f.type() != FrameType.ACK) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "unexpected " + FrameType.name(f.type()));
        }
        Ack a = Ack.decode(f);
        check(id, a.transferId());
        List<String> rcpts = p.message().recipients();
        if (a.results().size() != rcpts.size()) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "an ACK for " + a.results().size() + " recipients, not "
                    + rcpts.size());
        }
        List<Outcome.RecipientOutcome> rs = new ArrayList<>(rcpts.size());
        for (int i = 0; i < rcpts.size(); i++) {
            Ack.Result r = a.results().get(i);
            Outcome.Status s = switch (r.status()) {
                case Ack.ACCEPTED -> Outcome.Status.ACCEPTED;
                case Ack.TEMPORARY -> Outcome.Status.REFUSED_TEMPORARILY;
                default -> Outcome.Status.REFUSED;
            };
            rs.add(new Outcome.RecipientOutcome(rcpts.get(i), s, r.enhancedStatus(), r.text()));
        }
        return new Outcome(id, Outcome.Status.ACCEPTED, a.queueId(), a.duplicate(), "2.0.0", "queued as "
                + a.queueId(), rs);
    }

    private static void check(String expected, String got) throws ProtocolException {
        if (!expected.equals(got)) {
            throw new ProtocolException(ErrorCode.PROTOCOL, "an answer for " + got + " where " + expected
                    + " was due");
        }
    }

    private void abandon() {
        closed = true;
        for (Socket s : new Socket[] {tcp, socket}) { // TCP first: see tcp
            try {
                s.close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    /** BYE, then close. */
    @Override
    public void close() {
        if (!closed) {
            try {
                channel.send(Frames.empty(FrameType.BYE));
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        abandon();
    }
}
