package org.postrider.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.org.OrgServer;
import org.postrider.api.org.Organisation;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.RecipientResult;
import org.postrider.api.queue.Router;
import org.postrider.api.queue.Submission;
import org.postrider.api.queue.Verdict;
import org.postrider.api.track.TrackEvent;
import org.postrider.internal.wire.LinkAuth;
import org.postrider.internal.wire.TrustByFingerprint;

/** Two servers on loopback: hermes delivers to athena over the internal transport. */
class InternalLinkTest {
    private static Path dir;
    private final List<InternalService> services = new ArrayList<>();

    @BeforeAll
    static void tls() throws Exception {
        dir = Files.createTempDirectory("internal");
    }

    @AfterEach
    void stop() {
        services.forEach(InternalService::deactivate);
    }

    static InternalConfig config(Map<String, Object> overrides) {
        return (InternalConfig) Proxy.newProxyInstance(InternalConfig.class.getClassLoader(),
                new Class<?>[] {InternalConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "annotationType" -> InternalConfig.class;
                    case "toString" -> "config";
                    case "hashCode" -> 0;
                    case "equals" -> p == a[0];
                    default -> overrides.getOrDefault(m.getName(), m.getDefaultValue());
                });
    }

    /** A queue in memory that honours idempotency keys. */
    static final class MemoryQueue implements MailQueue {
        final Map<String, QueueId> keys = new ConcurrentHashMap<>();
        final Map<QueueId, Envelope> envelopes = new ConcurrentHashMap<>();
        final Map<QueueId, byte[]> contents = new ConcurrentHashMap<>();
        final AtomicInteger ids = new AtomicInteger();

        @Override
        public Submission begin(Envelope envelope) {
            return begin(envelope, null);
        }

        @Override
        public Submission begin(Envelope envelope, String key) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            return new Submission() {
                @Override
                public OutputStream content() {
                    return out;
                }

                @Override
                public QueueId commit() {
                    synchronized (keys) {
                        if (key != null && keys.containsKey(key)) {
                            return keys.get(key);
                        }
                        QueueId id = new QueueId("Q" + ids.incrementAndGet());
                        envelopes.put(id, envelope);
                        contents.put(id, out.toByteArray());
                        if (key != null) {
                            keys.put(key, id);
                        }
                        return id;
                    }
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Optional<QueueId> committedWith(String key) {
            return Optional.ofNullable(keys.get(key));
        }
    }

    static Organisation org(String self, List<OrgServer> servers) {
        return new Organisation() {
            @Override
            public String self() {
                return self;
            }

            @Override
            public List<OrgServer> servers() {
                return servers;
            }

            @Override
            public Optional<String> internetGateway() {
                return Optional.empty();
            }
        };
    }

    static final Router ROUTER = (sender, rcpt, auth) -> rcpt.localPart().startsWith("nobody")
            ? Verdict.reject(550, "5.1.1", "no such user") : rcpt.localPart().startsWith("later")
            ? Verdict.defer("4.2.0", "try later") : Verdict.accept();

    private InternalService start(String name, Path secret, int port) throws Exception {
        return start(name, secret, port, Map.of());
    }

    private InternalService start(String name, Path secret, int port, Map<String, Object> more) throws Exception {
        Map<String, Object> o = new HashMap<>(more);
        o.put("port", port);
        o.put("secretFile", secret.toString());
        o.put("authFailureDelay", "0s");
        o.put("shutdownGrace", "1s");
        InternalService s = new InternalService(name, config(o), dir.resolve("tls"), null);
        services.add(s);
        return s;
    }

    private static Delivery delivery(String queueId, String body, String... rcpts) throws Exception {
        List<MailAddress> to = new ArrayList<>();
        for (String r : rcpts) {
            to.add(MailAddress.parse(r));
        }
        Envelope e = Envelope.of(MailAddress.parse("bob@example.net"), to, new Origin("ESMTP", "mx.example.net",
                "192.0.2.7", null, Instant.now()));
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        MessageContent c = MessageContent.of(bytes);
        return new Delivery(new QueueId(queueId), e.withRecipients(e.recipients()), c, "athena", 1);
    }

    record Pair(InternalService athena, InternalService hermes, MemoryQueue queue, InternalDelivery agent) {
    }

    private Pair pair(boolean hermesKnownAtAthena, Path hermesSecret) throws Exception {
        return pair(hermesKnownAtAthena, hermesSecret, Map.of());
    }

    private Pair pair(boolean hermesKnownAtAthena, Path hermesSecret, Map<String, Object> athenaConfig)
            throws Exception {
        Path secret = dir.resolve("org.secret");
        InternalService athena = start("athena", secret, 0, athenaConfig);
        InternalService hermes = start("hermes", hermesSecret == null ? secret : hermesSecret, -1);
        OrgServer a = new OrgServer("athena", "127.0.0.1", athena.server().address().getPort(), null);
        OrgServer h = new OrgServer("hermes", "127.0.0.1", 1, null);
        MemoryQueue q = new MemoryQueue();
        athena.bind(org("athena", hermesKnownAtAthena ? List.of(a, h) : List.of(a)), q, ROUTER, null);
        hermes.bind(org("hermes", List.of(a, h)), new MemoryQueue(), ROUTER, null);
        return new Pair(athena, hermes, q, new InternalDelivery(hermes));
    }

    @Test
    void aMessageArrivesInThePeersQueueOnceEvenWhenSentAgain() throws Exception {
        Pair p = pair(true, null);
        String text = "Subject: hi\r\nMessage-ID: <1@example.net>\r\n\r\nhello\r\n";
        Delivery d = delivery("H1", text, "alice@example.org", "nobody@example.org");
        List<RecipientResult> r = p.agent().deliver(d);
        assertEquals(DeliveryStatus.DELIVERED, r.get(0).status(), r.toString());
        assertEquals(DeliveryStatus.FAILED, r.get(1).status());
        assertEquals("5.1.1", r.get(1).enhancedCode());
        assertEquals(1, p.queue().envelopes.size());
        Envelope got = p.queue().envelopes.values().iterator().next();
        assertEquals("hermes", got.origin().orgServer());
        assertEquals("internal", got.origin().protocol());
        assertEquals(List.of(MailAddress.parse("alice@example.org")),
                got.recipients().stream().map(x -> x.address()).toList());
        assertEquals(text, new String(p.queue().contents.values().iterator().next(), StandardCharsets.US_ASCII));

        List<RecipientResult> again = p.agent().deliver(d); // the ACK was "lost": the same transfer again
        assertEquals(DeliveryStatus.DELIVERED, again.get(0).status());
        assertTrue(again.get(0).diagnostic().contains("earlier"), again.get(0).diagnostic());
        assertEquals(1, p.queue().envelopes.size(), "not queued twice");
        assertEquals(1, p.athena().duplicates.get());
    }

    @Test
    void aTemporaryRefusalDefersTheWholeMessage() throws Exception {
        Pair p = pair(true, null);
        List<RecipientResult> r = p.agent().deliver(delivery("H2", "x\r\n", "alice@example.org", "later@example.org"));
        assertTrue(r.stream().allMatch(x -> x.status() == DeliveryStatus.RETRY), r.toString());
        assertEquals(0, p.queue().envelopes.size());
    }

    @Test
    void manyConcurrentDeliveriesShareOnePipelinedLink() throws Exception {
        Pair p = pair(true, null);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<List<RecipientResult>>> fs = new ArrayList<>();
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            big.append("line ").append(i).append("\r\n");
        }
        for (int i = 0; i < 200; i++) {
            String body = "Message-ID: <" + i + "@x>\r\n\r\n" + (i % 50 == 0 ? big : "hi\r\n");
            Delivery d = delivery("M" + i, body, "alice@example.org");
            fs.add(pool.submit(() -> p.agent().deliver(d)));
        }
        for (Future<List<RecipientResult>> f : fs) {
            assertEquals(DeliveryStatus.DELIVERED, f.get().get(0).status(), f.get().toString());
        }
        assertEquals(200, p.queue().envelopes.size());
        assertEquals(1, p.agent().peers().get("athena").connects.get(), "one link for all");
    }

    @Test
    void aWrongSecretIsRefusedAndNothingQueued() throws Exception {
        Path other = dir.resolve("other.secret");
        Files.writeString(other, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        Files.setPosixFilePermissions(other, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Pair p = pair(true, other);
        List<RecipientResult> r = p.agent().deliver(delivery("H3", "x\r\n", "alice@example.org"));
        assertEquals(DeliveryStatus.RETRY, r.get(0).status());
        assertTrue(r.get(0).diagnostic().contains("HMAC") || r.get(0).diagnostic().contains("AUTH_FAILED")
                || r.get(0).diagnostic().contains("wrong"), r.get(0).diagnostic());
        assertEquals(0, p.queue().envelopes.size());
        assertEquals(1, p.athena().refusedLinks.get());
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> p.agent().test("athena"));
        assertTrue(e.getMessage().contains("AUTH") || e.getMessage().contains("HMAC"), e.getMessage());
    }

    @Test
    void aServerUnknownToThePeerIsRefused() throws Exception {
        Pair p = pair(false, null);
        List<RecipientResult> r = p.agent().deliver(delivery("H4", "x\r\n", "alice@example.org"));
        assertEquals(DeliveryStatus.RETRY, r.get(0).status());
        assertTrue(r.get(0).diagnostic().contains("not a server of the organisation"), r.get(0).diagnostic());
        assertEquals(0, p.queue().envelopes.size());
    }

    private static String certificateFingerprint() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance(dir.resolve("tls/selfsigned.p12").toFile(),
                "postrider".toCharArray());
        return LinkAuth.fingerprint(ks.getCertificate("postrider"));
    }

    /** Both ends pinned in both registries: the link authenticates by certificate; a wrong pin either way refuses it. */
    @Test
    void pinnedServersAuthenticateByCertificateAndAWrongPinIsRefused() throws Exception {
        Path secret = dir.resolve("org.secret");
        InternalService athena = start("athena", secret, 0);
        InternalService hermes = start("hermes", dir.resolve("no-secret-here"), -1);
        Files.writeString(dir.resolve("no-secret-here"), "not hex\n"); // no HMAC possible: only the certificate
        athena.trusting(); // makes the self-signed certificate
        String fp = certificateFingerprint();
        String wrong = "00".repeat(32);
        int port = athena.server().address().getPort();
        MemoryQueue q = new MemoryQueue();
        OrgServer a = new OrgServer("athena", "127.0.0.1", port, fp);
        athena.bind(org("athena", List.of(a, new OrgServer("hermes", "127.0.0.1", 1, fp))), q, ROUTER, null);
        hermes.bind(org("hermes", List.of(a, new OrgServer("hermes", "127.0.0.1", 1, fp))), new MemoryQueue(),
                ROUTER, null);
        InternalDelivery agent = new InternalDelivery(hermes);
        assertTrue(agent.test("athena").contains("authenticated by certificate"));
        assertEquals(DeliveryStatus.DELIVERED,
                agent.deliver(delivery("P1", "x\r\n", "alice@example.org")).get(0).status());
        assertEquals(1, q.envelopes.size());

        athena.bind(org("athena", List.of(a, new OrgServer("hermes", "127.0.0.1", 1, wrong))), q, ROUTER, null);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> agent.test("athena"));
        assertTrue(e.getMessage().contains("does not match the registered fingerprint"), e.getMessage());

        hermes.bind(org("hermes", List.of(new OrgServer("athena", "127.0.0.1", port, wrong),
                new OrgServer("hermes", "127.0.0.1", 1, fp))), new MemoryQueue(), ROUTER, null);
        e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> agent.test("athena"));
        assertTrue(e.getMessage().contains("is not the registered one"), e.getMessage());
    }

    /** Raw frames against the listener: each violation gets its ERROR code, then the connection closes. */
    @Test
    void violationsAreAnsweredWithTheirErrorCode() throws Exception {
        InternalService athena = start("athena", dir.resolve("org.secret"), 0);
        athena.bind(org("athena", List.of(new OrgServer("athena", "127.0.0.1", 1, null))), new MemoryQueue(), ROUTER,
                null);
        int port = athena.server().address().getPort();
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {TrustByFingerprint.INSTANCE}, null);
        byte[] hello = new org.postrider.internal.proto.Hello(1, 1, 1, "hermes", 1 << 20, 0, 0, 2, new byte[32])
                .encode().payload();
        Object[][] cases = {
            {new byte[] {0x11, 0x7f, 0, 0, 0}, org.postrider.internal.proto.ErrorCode.FRAME_TOO_LARGE},
            {new byte[] {0x55, 0, 0, 0, 0}, org.postrider.internal.proto.ErrorCode.UNKNOWN_FRAME},
            {new byte[] {0x10, 0, 0, 0, 0}, org.postrider.internal.proto.ErrorCode.PROTOCOL},
            {frame(0x01, hello), org.postrider.internal.proto.ErrorCode.UNKNOWN_PEER},
        };
        for (Object[] c : cases) {
            try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
                    port)) {
                s.setSoTimeout(10000);
                System.out.println("case " + c[1]);
                s.getOutputStream().write((byte[]) c[0]);
                s.getOutputStream().flush();
                InputStream in = s.getInputStream();
                org.postrider.internal.proto.FrameDecoder d = new org.postrider.internal.proto.FrameDecoder(1 << 20);
                List<org.postrider.internal.proto.Frame> got = new ArrayList<>();
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.addAll(d.feed(buf, 0, n));
                }
                org.postrider.internal.proto.Frame last = got.get(got.size() - 1);
                assertEquals(org.postrider.internal.proto.FrameType.ERROR, last.type(), c[1] + " " + got);
                assertEquals(c[1], org.postrider.internal.proto.Frames.decodeError(last).code());
            }
        }
    }

    /** A directory with one user, alice@example.org, password "secret". */
    static final org.postrider.api.directory.Directory DIRECTORY = new org.postrider.api.directory.Directory() {
        @Override
        public boolean isLocalDomain(org.postrider.api.address.Domain domain) {
            return true;
        }

        @Override
        public org.postrider.api.directory.Resolution resolve(MailAddress address) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<org.postrider.api.directory.User> user(String id) {
            return Optional.empty();
        }

        @Override
        public org.postrider.api.directory.AuthResult authenticate(String login, char[] password) {
            return login.equals("alice@example.org") && new String(password).equals("secret")
                    ? new org.postrider.api.directory.AuthResult.Success(new org.postrider.api.directory.User(
                            "alice@example.org", "Alice", "athena", 0, 0))
                    : new org.postrider.api.directory.AuthResult.Failure();
        }
    };

    /** Client submission (role 2) over raw frames: PLAIN, then a message; the answers in order. */
    private static List<org.postrider.internal.proto.Frame> client(int port, String password, String sender)
            throws Exception {
        return client(port, password, sender, "patmos");
    }

    private static List<org.postrider.internal.proto.Frame> client(int port, String password, String sender,
            String label) throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {TrustByFingerprint.INSTANCE}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
                port)) {
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            new org.postrider.internal.proto.Hello(1, 1, 2, label, 1 << 20, 0, 0, 4, new byte[32]).encode()
                    .writeTo(out);
            new org.postrider.internal.proto.Auth(4, ("\0alice@example.org\0" + password)
                    .getBytes(StandardCharsets.UTF_8)).encode().writeTo(out);
            byte[] body = "Subject: from patmos\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII);
            new org.postrider.internal.proto.Begin("patmos.1", sender, false, false, 1, 0, null, body.length,
                    List.of(new org.postrider.internal.proto.Begin.Rcpt("carol@example.net", 0, null)), "MAPI", null,
                    null, null, 0, new byte[0]).encode().writeTo(out);
            new org.postrider.internal.proto.Frame(org.postrider.internal.proto.FrameType.DATA, body).writeTo(out);
            org.postrider.internal.proto.Frames.end(body.length).writeTo(out);
            org.postrider.internal.proto.Frames.empty(org.postrider.internal.proto.FrameType.BYE).writeTo(out);
            out.flush();
            org.postrider.internal.proto.FrameDecoder d = new org.postrider.internal.proto.FrameDecoder(1 << 20);
            List<org.postrider.internal.proto.Frame> got = new ArrayList<>();
            byte[] buf = new byte[4096];
            int n;
            while ((n = s.getInputStream().read(buf)) > 0) {
                got.addAll(d.feed(buf, 0, n));
            }
            return got;
        }
    }

    @Test
    void aClientSubmitsAsAUserWithPlainAndOnlyAsThatUser() throws Exception {
        InternalService athena = start("athena", dir.resolve("org.secret"), 0);
        MemoryQueue q = new MemoryQueue();
        athena.bind(org("athena", List.of(new OrgServer("athena", "127.0.0.1", 1, null))), q, ROUTER, DIRECTORY);
        int port = athena.server().address().getPort();

        List<org.postrider.internal.proto.Frame> ok = client(port, "secret", "alice@example.org");
        assertEquals(List.of(org.postrider.internal.proto.FrameType.HELLO, org.postrider.internal.proto.FrameType.AUTH_OK,
                org.postrider.internal.proto.FrameType.ACK), ok.stream().map(f -> f.type()).toList());
        Envelope e = q.envelopes.values().iterator().next();
        assertEquals("alice@example.org", e.origin().authenticatedUser());
        assertEquals(null, e.origin().orgServer(), "a client is never a server of the organisation");

        List<org.postrider.internal.proto.Frame> forged = client(port, "secret", "bob@example.org");
        org.postrider.internal.proto.Nack n = org.postrider.internal.proto.Nack.decode(forged.get(2));
        assertTrue(n.permanent() && n.enhancedStatus().equals("5.7.1"), n.toString());

        List<org.postrider.internal.proto.Frame> injected = client(port, "secret", "alice@example.org",
                "x\r\nAuthentication-Results: forged");
        assertEquals(org.postrider.internal.proto.ErrorCode.PROTOCOL,
                org.postrider.internal.proto.Frames.decodeError(injected.get(injected.size() - 1)).code(),
                "a client's name goes into the Received field: a line break in it is refused");

        List<org.postrider.internal.proto.Frame> bad = client(port, "wrong", "alice@example.org");
        assertEquals(org.postrider.internal.proto.ErrorCode.AUTH_FAILED,
                org.postrider.internal.proto.Frames.decodeError(bad.get(bad.size() - 1)).code());
        assertEquals(1, q.envelopes.size());
    }

    private static byte[] frame(int type, byte[] payload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new org.postrider.internal.proto.Frame(type, payload).writeTo(out);
        return out.toByteArray();
    }

    @Test
    void theTestCommandAuthenticatesAndMakesARoundTrip() throws Exception {
        Pair p = pair(true, null);
        String out = p.agent().test("athena");
        assertTrue(out.contains("authenticated by hmac") && out.contains("round trip"), out);
    }

    /** queue:track on one server follows a message into another's journal over an authenticated link of its own. */
    @Test
    void anotherServersTrackingEventsAreAskedOverAnAuthenticatedLink() throws Exception {
        Pair p = pair(true, null);
        Instant t = Instant.parse("2026-11-30T10:00:00Z");
        String longDetail = "d".repeat(5000);
        List<TrackEvent> journal = List.of(
                new TrackEvent(t, "athena", "A1", "m1@example.org", TrackEvent.Kind.ACCEPTED, null, "internal",
                        "hermes", "from=<s@example.org> nrcpt=1"),
                new TrackEvent(t.plusSeconds(1), "athena", "A1", "m1@example.org", TrackEvent.Kind.DELIVERED,
                        "b@example.org", "local", null, longDetail));
        p.athena().bindTracking((id, limit) -> id.equals("m1@example.org")
                ? journal.subList(0, Math.min(limit, journal.size())) : List.of());

        List<TrackEvent> got = p.agent().ask("athena", "m1@example.org", 10, java.time.Duration.ofSeconds(10));
        assertEquals(List.of(TrackEvent.Kind.ACCEPTED, TrackEvent.Kind.DELIVERED),
                got.stream().map(TrackEvent::kind).toList());
        assertEquals(journal.get(0), got.get(0), "every field travels");
        assertEquals("b@example.org", got.get(1).recipient());
        assertTrue(got.get(1).detail().length() <= 1000 && longDetail.startsWith(got.get(1).detail()),
                "a long value is cut, not refused");
        assertEquals(1, p.agent().ask("athena", "m1@example.org", 1, java.time.Duration.ofSeconds(10)).size(),
                "the limit travels");
        assertTrue(p.agent().ask("athena", "other@example.org", 10, java.time.Duration.ofSeconds(10)).isEmpty());
        try {
            p.agent().ask("nowhere", "m1@example.org", 10, java.time.Duration.ofSeconds(10));
            throw new AssertionError("a server outside the registry cannot be asked");
        } catch (java.io.IOException expected) {
            assertTrue(expected.getMessage().contains("nowhere"), expected.getMessage());
        }
    }

    /** A client submitter may send mail; it is not told where other people's mail went. */
    @Test
    void aClientSubmitterCannotAskForTrackingEvents() throws Exception {
        InternalService athena = start("athena", dir.resolve("org.secret"), 0);
        athena.bind(org("athena", List.of(new OrgServer("athena", "127.0.0.1", 1, null))), new MemoryQueue(), ROUTER,
                DIRECTORY);
        athena.bindTracking((id, limit) -> List.of(new TrackEvent(Instant.now(), "athena", "A1", id,
                TrackEvent.Kind.ACCEPTED, null, null, null, null)));
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {TrustByFingerprint.INSTANCE}, null);
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1",
                athena.server().address().getPort())) {
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            new org.postrider.internal.proto.Hello(1, 1, 2, "patmos", 1 << 20, 0, 0, 4, new byte[32]).encode()
                    .writeTo(out);
            new org.postrider.internal.proto.Auth(4, "\0alice@example.org\0secret".getBytes(StandardCharsets.UTF_8))
                    .encode().writeTo(out);
            new org.postrider.internal.proto.Track.Request("m1@example.org", 10).encode().writeTo(out);
            out.flush();
            org.postrider.internal.proto.FrameDecoder d = new org.postrider.internal.proto.FrameDecoder(1 << 20);
            List<org.postrider.internal.proto.Frame> got = new ArrayList<>();
            byte[] buf = new byte[4096];
            int n;
            while ((n = s.getInputStream().read(buf)) > 0) {
                got.addAll(d.feed(buf, 0, n));
            }
            assertEquals(List.of(org.postrider.internal.proto.FrameType.HELLO,
                    org.postrider.internal.proto.FrameType.AUTH_OK, org.postrider.internal.proto.FrameType.ERROR),
                    got.stream().map(f -> f.type()).toList());
            assertEquals(org.postrider.internal.proto.ErrorCode.PROTOCOL,
                    org.postrider.internal.proto.Frames.decodeError(got.get(2)).code());
        }
    }

    private static String[] addresses(int n, String pad) {
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = "user" + i + pad + "@example.org";
        }
        return a;
    }

    @Test
    void aMessageForMoreThanAThousandRecipientsGoesInPartsOverTheSameLink() throws Exception {
        Pair p = pair(true, null);
        List<RecipientResult> r = p.agent().deliver(delivery("BIG1", "Subject: many\r\n\r\nhi\r\n",
                addresses(1001, "")));
        assertEquals(1001, r.size());
        assertTrue(r.stream().allMatch(x -> x.status() == DeliveryStatus.DELIVERED), r.get(0).toString());
        assertEquals(2, p.queue().envelopes.size(), "1000 recipients, then 1");
        assertEquals(1, p.agent().peers().get("athena").connects.get(), "the link was not torn down");
        List<RecipientResult> again = p.agent().deliver(delivery("BIG1", "Subject: many\r\n\r\nhi\r\n",
                addresses(1001, "")));
        assertTrue(again.stream().allMatch(x -> x.diagnostic().contains("earlier")), "each part recognised");
        assertEquals(2, p.queue().envelopes.size());
    }

    @Test
    void aBeginLargerThanThePeersFramesIsSplitNotSentWhole() throws Exception {
        Pair p = pair(true, null, Map.of("maxFrame", 4096));
        String pad = "-with-a-rather-long-local-part";
        List<RecipientResult> r = p.agent().deliver(delivery("WIDE1", "x\r\n", addresses(200, pad)));
        assertTrue(r.stream().allMatch(x -> x.status() == DeliveryStatus.DELIVERED), r.get(0).toString());
        int queued = p.queue().envelopes.values().stream().mapToInt(e -> e.recipients().size()).sum();
        assertEquals(200, queued);
        assertTrue(p.queue().envelopes.size() > 1, "in parts");
        assertEquals(1, p.agent().peers().get("athena").connects.get(), "the link was not torn down");
    }

    @Test
    void aMessageWhoseContentCannotBeOpenedIsDeferredAloneAndTheLinkGoesOn() throws Exception {
        Pair p = pair(true, null);
        assertEquals(DeliveryStatus.DELIVERED,
                p.agent().deliver(delivery("OK1", "x\r\n", "alice@example.org")).get(0).status());
        Delivery ok = delivery("GONE1", "x\r\n", "alice@example.org");
        Delivery gone = new Delivery(ok.queueId(), ok.envelope(), new MessageContent() {
            @Override
            public long size() {
                return 3;
            }

            @Override
            public InputStream open() throws java.io.IOException {
                throw new java.nio.file.NoSuchFileException("spool/GONE1");
            }
        }, "athena", 1);
        List<RecipientResult> r = p.agent().deliver(gone);
        assertEquals(DeliveryStatus.RETRY, r.get(0).status());
        assertTrue(r.get(0).diagnostic().contains("could not be read"), r.get(0).diagnostic());
        assertEquals(DeliveryStatus.DELIVERED,
                p.agent().deliver(delivery("OK2", "x\r\n", "alice@example.org")).get(0).status());
        assertEquals(1, p.agent().peers().get("athena").connects.get(), "the link was not torn down");
        assertEquals(2, p.queue().envelopes.size());
    }

    /** The registry pins hermes: the organisation secret alone (held by anyone with a copy) does not pass for it. */
    @Test
    void aServerPinnedInTheRegistryIsNotTakenOnTheSharedSecret() throws Exception {
        Path secret = dir.resolve("org.secret");
        InternalService athena = start("athena", secret, 0);
        InternalService impostor = start("hermes", secret, -1); // right name, right secret, not hermes' certificate
        athena.trusting();
        String pinOfTheRealHermes = "ab".repeat(32);
        int port = athena.server().address().getPort();
        MemoryQueue q = new MemoryQueue();
        OrgServer a = new OrgServer("athena", "127.0.0.1", port, null);
        athena.bind(org("athena", List.of(a, new OrgServer("hermes", "127.0.0.1", 1, pinOfTheRealHermes))), q,
                ROUTER, null);
        impostor.bind(org("hermes", List.of(a, new OrgServer("hermes", "127.0.0.1", 1, null))), new MemoryQueue(),
                ROUTER, null);
        List<RecipientResult> r = new InternalDelivery(impostor).deliver(delivery("PIN1", "x\r\n",
                "alice@example.org"));
        assertEquals(DeliveryStatus.RETRY, r.get(0).status(), r.toString());
        assertTrue(r.get(0).diagnostic().contains("pinned"), r.get(0).diagnostic());
        assertEquals(0, q.envelopes.size());
        assertEquals(1, athena.refusedLinks.get());
    }

    private static Delivery withSet(Delivery d, byte[] set) {
        return new Delivery(d.queueId(), d.envelope().withProperties(
                org.postrider.api.message.TypedProperties.of(set)), d.content(), d.destination(), d.attempt());
    }

    private static byte[] set(String subject) throws Exception {
        return org.postrider.mapi.PropEncoder.encode(new org.postrider.api.props.PropMessage(
                org.postrider.api.props.PropertySet.of(org.postrider.api.props.Property.of(
                        org.postrider.api.props.PropTags.SUBJECT, subject), org.postrider.api.props.Property.of(
                        PatmosClientTest.CUSTOM, "no MIME form")), List.of(), List.of()),
                org.postrider.mapi.PropLimits.DEFAULTS).octets();
    }

    @Test
    void theTypedPropertySetOfAQueuedMessageArrivesWithItAtTheNextServer() throws Exception {
        Pair p = pair(true, null);
        byte[] set = set("typed");
        List<RecipientResult> r = p.agent().deliver(withSet(delivery("T1", "Subject: typed\r\n\r\nhi\r\n",
                "alice@example.org", "nobody@example.org"), set));
        assertEquals(DeliveryStatus.DELIVERED, r.get(0).status(), r.toString());
        Envelope got = p.queue().envelopes.values().iterator().next();
        assertEquals(org.postrider.api.message.TypedProperties.of(set), got.properties());

        assertEquals(DeliveryStatus.DELIVERED, p.agent().deliver(delivery("T2", "x\r\n", "alice@example.org"))
                .get(0).status());
        assertEquals(1, p.queue().envelopes.values().stream().filter(e -> e.properties() == null).count(),
                "a message without a set has none there either");
    }

    @Test
    void aSetTooLargeForThePeersFramesIsLeftOutNotTheMessage() throws Exception {
        Pair p = pair(true, null, Map.of("maxFrame", 4096));
        List<RecipientResult> r = p.agent().deliver(withSet(delivery("T3", "x\r\n", "alice@example.org"),
                set("s".repeat(5000))));
        assertEquals(DeliveryStatus.DELIVERED, r.get(0).status(), r.toString());
        assertEquals(null, p.queue().envelopes.values().iterator().next().properties());
        assertEquals(1, p.agent().peers().get("athena").connects.get(), "the link was not torn down");
    }

    @Test
    void aSetThePropertyDecoderRefusesIsDroppedAndTheMessageQueued() throws Exception {
        Pair p = pair(true, null);
        List<RecipientResult> r = p.agent().deliver(withSet(delivery("T4", "x\r\n", "alice@example.org"),
                "not a property set".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(DeliveryStatus.DELIVERED, r.get(0).status(), r.toString());
        assertEquals(null, p.queue().envelopes.values().iterator().next().properties());
    }

    @Test
    void aPartIsTheSameWhateverElseIsPendingSoItsRetransmissionIsRecognised() throws Exception {
        Pair p = pair(true, null);
        String[] all = addresses(1500, "");
        assertTrue(p.agent().deliver(delivery("SPLIT1", "x\r\n", all)).stream()
                .allMatch(x -> x.status() == DeliveryStatus.DELIVERED));
        int parts = p.queue().envelopes.size();
        assertEquals(2, parts, "1500 recipients in two parts");
        // Say every answer was lost, and before the retry one recipient left the pending set (it
        // expired, an administrator bounced it, it was routed elsewhere): the part without it is
        // the same part, with the same transfer id, and not queued again.
        String gone = all[3];
        String[] pending = java.util.Arrays.stream(all).filter(a -> !a.equals(gone)).toArray(String[]::new);
        List<RecipientResult> r = p.agent().deliver(delivery("SPLIT1", "x\r\n", pending));
        assertEquals(1499, r.size());
        assertTrue(r.stream().allMatch(x -> x.status() == DeliveryStatus.DELIVERED), r.get(0).toString());
        assertEquals(parts + 1, p.queue().envelopes.size(), "only the part that held " + gone + " is sent anew");
        long recognised = r.stream().filter(x -> x.diagnostic().contains("earlier")).count();
        assertTrue(recognised > 500 && recognised < 1000, recognised + " recognised");
        int total = p.queue().envelopes.values().stream().mapToInt(e -> e.recipients().size()).sum();
        assertEquals(1500 + 1500 - 1 - (int) recognised, total);
    }

    @Test
    void partsAreCutByTheRecipientsHashesNotTheirPlaceInTheList() throws Exception {
        List<org.postrider.api.message.Recipient> rs = new ArrayList<>();
        for (String a : addresses(64, "")) {
            rs.add(org.postrider.api.message.Recipient.of(MailAddress.parse(a)));
        }
        long ones = rs.stream().filter(x -> InternalDelivery.partBit(x, 0)).count();
        assertTrue(ones > 16 && ones < 48, "about half: " + ones);
        for (org.postrider.api.message.Recipient x : rs) {
            assertEquals(InternalDelivery.partBit(x, 5), InternalDelivery.partBit(
                    org.postrider.api.message.Recipient.of(MailAddress.parse(x.address().toString())), 5));
        }
    }

    @Test
    void theSweeperEndsATransferToAPeerThatStoppedReadingNotHangsOnIt() throws Exception {
        Path secret = dir.resolve("org.secret");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        InternalService athena = start("athena", secret, 0);
        InternalService hermes = start("hermes", secret, -1, Map.of("answerTimeout", "2s"));
        OrgServer a = new OrgServer("athena", "127.0.0.1", athena.server().address().getPort(), null);
        OrgServer h = new OrgServer("hermes", "127.0.0.1", 1, null);
        MemoryQueue q = new MemoryQueue();
        athena.bind(org("athena", List.of(a, h)), StallingQueue.of(q, () -> release), ROUTER, null);
        hermes.bind(org("hermes", List.of(a, h)), new MemoryQueue(), ROUTER, null);
        InternalDelivery agent = new InternalDelivery(hermes);
        long size = 32L << 20; // more than the loopback's buffers both ways: the writer blocks in a write
        MessageContent big = new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                byte[] head = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), new InputStream() {
                    private long left = size - head.length;

                    @Override
                    public int read() {
                        return left-- > 0 ? 'x' : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left <= 0) {
                            return -1;
                        }
                        int n = (int) Math.min(len, left);
                        java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                        left -= n;
                        return n;
                    }
                });
            }
        };
        Envelope e = Envelope.of(MailAddress.parse("bob@example.net"), List.of(MailAddress.parse("alice@example.org")),
                new Origin("ESMTP", "mx.example.net", "192.0.2.7", null, Instant.now()));
        try {
            // the sweeper fails the stalled link after the answer timeout (2 s, checked each second)
            List<RecipientResult> r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(2 + 1 + 5),
                    () -> agent.deliver(new Delivery(new QueueId("STALL1"), e, big, "athena", 1)),
                    "failing the link waits for no blocked write");
            assertTrue(r.stream().allMatch(x -> x.status() == DeliveryStatus.RETRY), r.toString());
        } finally {
            release.countDown();
            agent.deactivate();
        }
        assertEquals(0, q.contents.size());
    }
}
