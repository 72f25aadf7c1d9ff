package org.postrider.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.org.OrgServer;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropMessage;
import org.postrider.api.props.PropTags;
import org.postrider.api.queue.QueueId;
import org.postrider.internal.wire.LinkAuth;
import org.postrider.mapi.MimeReader;
import org.postrider.patmos.Outcome;
import org.postrider.patmos.Outgoing;
import org.postrider.patmos.PatmosClient;
import org.postrider.patmos.Trust;
import org.postrider.patmos.TypedMessage;

/** The Patmos client library against the real receiving session: typed and MIME submission, as alice. */
class PatmosClientTest {
    private Path dir;
    private InternalService athena;
    private InternalLinkTest.MemoryQueue queue;
    /** Set: the queue takes no octet until it is counted down (the server stops reading). */
    private volatile java.util.concurrent.CountDownLatch stallQueue;
    private Trust trust;
    private int port;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("patmos");
        Map<String, Object> o = new HashMap<>();
        o.put("port", 0);
        o.put("secretFile", dir.resolve("internal/org.secret").toString());
        o.put("authFailureDelay", "0s");
        o.put("shutdownGrace", "1s");
        athena = new InternalService("athena", InternalLinkTest.config(o), dir.resolve("tls"), null);
        queue = new InternalLinkTest.MemoryQueue();
        athena.bind(InternalLinkTest.org("athena", List.of(new OrgServer("athena", "127.0.0.1", 1, null))),
                StallingQueue.of(queue, () -> stallQueue), InternalLinkTest.ROUTER, InternalLinkTest.DIRECTORY);
        athena.trusting();
        java.security.KeyStore ks = java.security.KeyStore.getInstance(dir.resolve("tls/selfsigned.p12").toFile(),
                "postrider".toCharArray());
        trust = Trust.pin(LinkAuth.fingerprint(ks.getCertificate("postrider")));
        port = athena.server().address().getPort();
    }

    @AfterEach
    void stop() {
        if (stallQueue != null) {
            stallQueue.countDown();
        }
        athena.deactivate();
    }

    /** {@code size} octets of a MIME message, made as read (not held in memory). */
    private static Blob generated(long size) {
        byte[] head = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        return new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public java.io.InputStream open() {
                return new java.io.InputStream() {
                    private long pos;

                    @Override
                    public int read() {
                        byte[] b = new byte[1];
                        return read(b, 0, 1) < 0 ? -1 : b[0];
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (pos >= size) {
                            return -1;
                        }
                        int n = (int) Math.min(len, size - pos);
                        for (int i = 0; i < n; i++, pos++) {
                            b[off + i] = pos < head.length ? head[(int) pos] : (byte) 'x';
                        }
                        return n;
                    }
                };
            }
        };
    }

    @Test
    void anUploadToAServerThatStopsReadingEndsAtTheTimeoutNotNever() throws Exception {
        stallQueue = new java.util.concurrent.CountDownLatch(1);
        // more than the loopback's send and receive buffers together: the writer blocks in a write
        Outgoing big = Outgoing.mime("alice@example.org", List.of("carol@example.net"), generated(32L << 20))
                .withTransferId("patmos.big");
        Duration timeout = Duration.ofSeconds(2);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(timeout.plusSeconds(5), () -> {
            try (PatmosClient c = PatmosClient.connect("127.0.0.1", port, trust, "alice@example.org",
                    "secret".toCharArray(), timeout)) {
                var e = assertThrows(org.postrider.patmos.SubmissionInterrupted.class,
                        () -> c.submitAll(List.of(big)));
                assertEquals(List.of("patmos.big"), e.unanswered());
            }
        }, "abandoning the upload waits for no blocked write");
        assertEquals(0, queue.contents.size());
    }

    private PatmosClient alice() throws IOException {
        return PatmosClient.connect("127.0.0.1", port, trust, "alice@example.org", "secret".toCharArray(),
                Duration.ofSeconds(10));
    }

    private static String content(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aTypedMessageIsQueuedAsTheMimeItStandsForWithoutItsBcc() throws Exception {
        byte[] pdf = new byte[100_000];
        new java.util.Random(7).nextBytes(pdf);
        String body = "Γειά σου, Carol.\r\n".repeat(400); // over the inline size: it streams
        PropMessage m = new TypedMessage().from("Alice", "alice@example.org").subject("Ημερήσια αναφορά")
                .to("carol@example.net", "Carol").cc("dave@example.net", null).bcc("erin@example.net")
                .body(body).attach("report.pdf", "application/pdf", pdf).importance(PropTags.IMPORTANCE_HIGH)
                .sensitivity(PropTags.SENSITIVITY_CONFIDENTIAL).messageClass("IPM.Note").build();
        Outcome r;
        try (PatmosClient c = alice()) {
            r = c.submit(Outgoing.typed("alice@example.org", m).withTransferId("patmos.t1"));
        }
        assertTrue(r.allAccepted(), r.toString());
        assertEquals(1, queue.contents.size());
        QueueId id = new QueueId(r.queueId());
        Envelope e = queue.envelopes.get(id);
        assertEquals(List.of("carol@example.net", "dave@example.net", "erin@example.net"),
                e.recipients().stream().map(x -> x.address().toString()).toList());
        String mime = content(queue.contents.get(id));
        assertTrue(mime.contains("To: \"Carol\" <carol@example.net>") || mime.contains("To: Carol <carol@example.net>"),
                mime.substring(0, 600));
        assertTrue(mime.contains("Cc: dave@example.net") || mime.contains("Cc: <dave@example.net>"), mime.substring(0, 600));
        assertFalse(mime.contains("erin"), "a Bcc is not in the message");
        assertTrue(mime.contains("Importance: high") && mime.contains("Sensitivity: Company-Confidential")
                && mime.contains("Message-ID: <") && mime.contains("Date: "), mime.substring(0, 600));

        byte[] bytes = queue.contents.get(id);
        PropMessage back = MimeReader.read(new MessageContent() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public java.io.InputStream open() {
                return new java.io.ByteArrayInputStream(bytes);
            }
        }, List.of(), MimeReader.Limits.DEFAULTS);
        assertEquals("Ημερήσια αναφορά", back.properties().text(PropTags.SUBJECT).orElseThrow());
        assertEquals("alice@example.org", back.properties().text(PropTags.SENDER_EMAIL_ADDRESS).orElseThrow());
        assertEquals(body, bodyText(back));
        assertEquals(1, back.attachments().size());
        assertEquals("report.pdf", back.attachments().get(0).fileName().orElseThrow());
        assertEquals("application/pdf", back.attachments().get(0).mimeTag().orElseThrow());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (var in = back.attachments().get(0).data().open()) {
            in.transferTo(got);
        }
        assertTrue(java.util.Arrays.equals(pdf, got.toByteArray()), "the attachment's octets");
        try (var files = Files.list(athena.incoming())) {
            assertEquals(0, files.count(), "the streams' file is gone once the message is queued");
        }
    }

    /** A property with no MIME form: only the set kept with the envelope has it after the MIME is written. */
    static final org.postrider.api.props.PropTag CUSTOM = new org.postrider.api.props.PropTag(0x6A01,
            org.postrider.api.props.PropType.UNICODE);

    @Test
    void theEnvelopeKeepsTheSetTheMimeWasWrittenFromWithItsPropertiesThatHaveNoMimeForm() throws Exception {
        PropMessage m = new TypedMessage().subject("Ημερήσια αναφορά").to("carol@example.net", "Carol")
                .body("x".repeat(10_000)).put(org.postrider.api.props.Property.of(CUSTOM, "no MIME form"))
                .build();
        Outcome r;
        try (PatmosClient c = alice()) {
            r = c.submit(Outgoing.typed("alice@example.org", m).withTransferId("patmos.t9"));
        }
        assertTrue(r.allAccepted(), r.toString());
        Envelope e = queue.envelopes.get(new QueueId(r.queueId()));
        org.postrider.mapi.Decoded kept = org.postrider.mapi.PropDecoder.decode(e.properties().octets(),
                org.postrider.mapi.PropLimits.DEFAULTS);
        var p = kept.message().properties();
        assertEquals("no MIME form", p.text(CUSTOM).orElseThrow());
        assertEquals("Ημερήσια αναφορά", p.text(PropTags.SUBJECT).orElseThrow());
        assertEquals("alice@example.org", p.text(PropTags.SENDER_EMAIL_ADDRESS).orElseThrow(), "completed");
        String mime = content(queue.contents.get(new QueueId(r.queueId())));
        assertTrue(mime.contains("Message-ID: " + p.text(PropTags.INTERNET_MESSAGE_ID).orElseThrow()),
                "the set's Message-ID is the message's: " + p);
        assertEquals(List.of(10_000L), kept.streams().stream().map(org.postrider.mapi.StreamRef::size).toList(),
                "the body a reference: its octets are the MIME's, not kept twice");
    }

    @Test
    void aSetThatCompletionTakesPastTheCodecsLimitsIsQueuedWithoutItsSetNotRefused() throws Exception {
        TypedMessage t = new TypedMessage().to("carol@example.net", null);
        for (int i = 0; i < 1023; i++) { // the codec takes 1024: Message-ID, Date and sender make 1026
            t.put(org.postrider.api.props.Property.of(new org.postrider.api.props.PropTag(0x6000 + i,
                    org.postrider.api.props.PropType.LONG), i));
        }
        Outcome r;
        try (PatmosClient c = alice()) {
            r = c.submit(Outgoing.typed("alice@example.org", t.build()).withTransferId("patmos.full"));
        }
        assertTrue(r.allAccepted(), r.toString());
        assertEquals(null, queue.envelopes.get(new QueueId(r.queueId())).properties());
        assertTrue(content(queue.contents.get(new QueueId(r.queueId()))).contains("Message-ID: <"));
    }

    private static String bodyText(PropMessage m) throws IOException {
        var v = m.properties().get(PropTags.BODY).orElseThrow();
        if (v instanceof org.postrider.api.props.PropValue.Text t) {
            return t.value();
        }
        try (var in = ((org.postrider.api.props.PropValue.Stream) v).blob().open()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void manyMimeMessagesArePipelinedAndASecondSendingIsRecognised() throws Exception {
        List<Outgoing> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] text = ("Message-ID: <" + i + "@example.org>\r\nSubject: " + i + "\r\n\r\nhi\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            batch.add(Outgoing.mime("alice@example.org", List.of("carol@example.net"), Blob.of(text))
                    .withTransferId("patmos.m" + i));
        }
        try (PatmosClient c = alice()) {
            List<Outcome> first = c.submitAll(batch);
            assertTrue(first.stream().allMatch(o -> o.allAccepted() && !o.duplicate()), first.toString());
            List<Outcome> again = c.submitAll(batch.subList(0, 10));
            assertTrue(again.stream().allMatch(Outcome::duplicate), again.toString());
            assertEquals(first.get(3).queueId(), again.get(3).queueId());
        }
        assertEquals(100, queue.contents.size());
    }

    @Test
    void anotherUsersFromOrAWrongPasswordIsRefused() throws Exception {
        PropMessage forged = new TypedMessage().from(null, "bob@example.org").to("carol@example.net", null)
                .body("hi").build();
        try (PatmosClient c = alice()) {
            Outcome r = c.submit(Outgoing.typed("alice@example.org", forged));
            assertEquals(Outcome.Status.REFUSED, r.status());
            assertEquals("5.7.1", r.enhancedStatus(), r.toString());
        }
        assertEquals(0, queue.contents.size());
        IOException e = assertThrows(IOException.class, () -> PatmosClient.connect("127.0.0.1", port, trust,
                "alice@example.org", "wrong".toCharArray(), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
    }

    @Test
    void aCertificateOtherThanThePinnedOneIsRefusedBeforeThePasswordIsSent() {
        Trust other = Trust.pin("00".repeat(32));
        IOException e = assertThrows(IOException.class, () -> PatmosClient.connect("127.0.0.1", port, other,
                "alice@example.org", "secret".toCharArray(), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("not the pinned one"), e.getMessage());
        assertEquals(0, athena.refusedLinks.get(), "no login was tried");
    }

    @Test
    void theCommandLineSendsATypedMessageWithAnAttachmentAndSaysWhatBecameOfIt() throws Exception {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "bring the maps\n");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "secret\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = {"--server", "127.0.0.1:" + port, "--pin", pinHex(), "--user", "alice@example.org",
            "--password-file", pw.toString(), "--to", "carol@example.net", "--bcc", "erin@example.net",
            "--subject", "Maps", "--body", "See the notes.", "--attach", notes + ";type=text/plain;name=notes.txt",
            "--importance", "low"};
        int exit = org.postrider.patmos.cli.PatmosCli.run(args, Map.of(), java.io.InputStream.nullInputStream(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, out + " / " + err);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("accepted patmos."), out.toString());
        String mime = content(queue.contents.values().iterator().next());
        assertTrue(mime.contains("Subject: Maps") && mime.contains("Importance: low")
                && mime.contains("filename=\"notes.txt\"") && !mime.contains("erin"), mime);
        assertEquals(2, queue.envelopes.values().iterator().next().recipients().size());

        int usage = org.postrider.patmos.cli.PatmosCli.run(new String[] {"--server", "127.0.0.1"}, Map.of(),
                java.io.InputStream.nullInputStream(), new java.io.PrintStream(out), new java.io.PrintStream(err));
        assertEquals(2, usage);
        out.reset();
        int again = org.postrider.patmos.cli.PatmosCli.run(args, Map.of(), java.io.InputStream.nullInputStream(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err));
        assertEquals(0, again);
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("(sent before)"), out.toString());
        assertEquals(2, queue.contents.size(), "a typed message has no Message-ID of its own: the same command run"
                + " again (a daily notice) is a new message, not one the server takes for sent before");
        String[] withId = java.util.Arrays.copyOf(args, args.length + 2);
        withId[args.length] = "--id";
        withId[args.length + 1] = "patmos.again-on-purpose";
        for (int i = 0; i < 2; i++) {
            assertEquals(0, org.postrider.patmos.cli.PatmosCli.run(withId, Map.of(),
                    java.io.InputStream.nullInputStream(), new java.io.PrintStream(out), new java.io.PrintStream(err)));
        }
        assertEquals(3, queue.contents.size(), "an id of its own: sent once, however often the run is repeated");
        Files.writeString(pw, "wrong\n");
        assertEquals(3, org.postrider.patmos.cli.PatmosCli.run(args, Map.of(), java.io.InputStream.nullInputStream(),
                new java.io.PrintStream(out), new java.io.PrintStream(err)));
    }

    @Test
    void aFileWithItsOwnMessageIdSentTwiceIsQueuedOnceAndTheSecondRunSaysSoAFileWithoutOneTwice() throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "secret\n");
        Path withMid = dir.resolve("with.eml");
        Files.writeString(withMid, "Subject: backup failed\r\nmessage-id: <b1@example.org>\r\n\r\nsee the log\r\n");
        Path without = dir.resolve("without.eml");
        Files.writeString(without, "Subject: backup failed\r\nX-Note: Message-ID: <no>\r\n\r\n"
                + "Message-ID: <in-the-body@example.org>\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Path> runs = List.of(withMid, withMid, without, without);
        for (int i = 0; i < runs.size(); i++) {
            String[] args = {"--server", "127.0.0.1:" + port, "--pin", pinHex(), "--user", "alice@example.org",
                "--password-file", pw.toString(), "--to", "ops@example.org", "--message", runs.get(i).toString()};
            err.reset();
            assertEquals(0, org.postrider.patmos.cli.PatmosCli.run(args, Map.of(),
                    java.io.InputStream.nullInputStream(), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8)), err.toString());
            if (i == 1) {
                assertEquals(1, queue.contents.size(), "a run again after a failure queues nothing twice");
                assertTrue(err.toString(StandardCharsets.UTF_8).contains("was sent before"),
                        "a run that queued nothing says so on standard error: " + err);
            }
        }
        String lines = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, lines.lines().filter(l -> l.contains("(sent before)")).count(), lines);
        assertEquals(3, queue.contents.size(), "the file with a Message-ID once, the other twice: " + lines);
    }

    @Test
    void onlyAMessageWithItsOwnMessageIdCarriesOne() throws Exception {
        assertTrue(Outgoing.mime("a@example.org", List.of("b@example.org"), Blob.of(
                "Subject: x\r\nMESSAGE-ID: <1@x>\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).carriesMessageId());
        assertFalse(Outgoing.mime("a@example.org", List.of("b@example.org"), Blob.of(
                "Subject: x\n\nMessage-ID: <1@x>\n".getBytes(StandardCharsets.US_ASCII))).carriesMessageId(),
                "a body line is no header");
        assertFalse(Outgoing.typed("a@example.org", new TypedMessage().to("b@example.org", null).body("b").build())
                .carriesMessageId());
        assertTrue(Outgoing.typed("a@example.org", new TypedMessage().to("b@example.org", null).body("b")
                .put(org.postrider.api.props.Property.of(PropTags.INTERNET_MESSAGE_ID, "<2@x>")).build())
                .carriesMessageId());
    }

    private String pinHex() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance(dir.resolve("tls/selfsigned.p12").toFile(),
                "postrider".toCharArray());
        return LinkAuth.fingerprint(ks.getCertificate("postrider"));
    }

    /** Octets in slices, each after a pause: an upload that takes long but goes on. */
    private static Blob slow(int slices, int sliceOctets, long pauseMillis) {
        return slow(slices, sliceOctets, pauseMillis, () -> { });
    }

    /** @param midway run once, before the second half of the slices */
    private static Blob slow(int slices, int sliceOctets, long pauseMillis, Runnable midway) {
        return new Blob() {
            @Override
            public long size() {
                return (long) slices * sliceOctets;
            }

            @Override
            public java.io.InputStream open() {
                return new java.io.InputStream() {
                    private long left = size();
                    private int inSlice;

                    @Override
                    public int read() {
                        byte[] b = new byte[1];
                        return read(b, 0, 1) < 0 ? -1 : b[0];
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (left == 0) {
                            return -1;
                        }
                        if (inSlice == 0) {
                            if (left == size() - (long) (slices / 2) * sliceOctets) {
                                midway.run();
                            }
                            try {
                                Thread.sleep(pauseMillis);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            inSlice = sliceOctets;
                        }
                        int n = (int) Math.min(Math.min(len, inSlice), left);
                        java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                        inSlice -= n;
                        left -= n;
                        return n;
                    }
                };
            }
        };
    }

    private static Outgoing slowMessage(String id, int slices, long pauseMillis) {
        byte[] head = "Subject: slow\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Blob body = slow(slices, 64 * 1024, pauseMillis);
        Blob whole = new Blob() {
            @Override
            public long size() {
                return head.length + body.size();
            }

            @Override
            public java.io.InputStream open() throws IOException {
                return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), body.open());
            }
        };
        return Outgoing.mime("alice@example.org", List.of("carol@example.net"), whole).withTransferId(id);
    }

    @Test
    void theAnswerDeadlineStartsWhenTheUploadEndsNotBefore() throws Exception {
        Outcome r;
        long t0 = System.nanoTime();
        try (PatmosClient c = PatmosClient.connect("127.0.0.1", port, trust, "alice@example.org",
                "secret".toCharArray(), Duration.ofSeconds(2))) {
            // 10 slices 500 ms apart: 5 s of upload, more than twice the 2 s answer timeout
            r = c.submit(slowMessage("patmos.slow1", 10, 500));
        }
        assertTrue(System.nanoTime() - t0 > Duration.ofSeconds(4).toNanos(), "the upload did take long");
        assertTrue(r.allAccepted(), r.toString());
        assertEquals(10 * 64 * 1024 + 17, queue.contents.get(new QueueId(r.queueId())).length);
    }

    @Test
    void anUploadThatStallsFailsAfterTheTimeoutAndTheAnswersBeforeItAreKept() throws Exception {
        Outgoing first = Outgoing.mime("alice@example.org", List.of("carol@example.net", "nobody@example.org"),
                Blob.of("Subject: one\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)))
                .withTransferId("patmos.first");
        Outgoing stalls = slowMessage("patmos.stalls", 2, 30_000);
        long t0 = System.nanoTime();
        org.postrider.patmos.SubmissionInterrupted e;
        try (PatmosClient c = PatmosClient.connect("127.0.0.1", port, trust, "alice@example.org",
                "secret".toCharArray(), Duration.ofSeconds(1))) {
            e = assertThrows(org.postrider.patmos.SubmissionInterrupted.class, () -> c.submitAll(List.of(first,
                    stalls)));
        }
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos(), "a stalled upload is not waited for");
        assertEquals(1, e.answered().size(), e.answered().toString());
        Outcome o = e.answered().get(0);
        assertEquals("patmos.first", o.transferId());
        assertEquals(Outcome.Status.ACCEPTED, o.recipients().get(0).status());
        assertEquals(Outcome.Status.REFUSED, o.recipients().get(1).status(), "per recipient, as answered");
        assertEquals("5.1.1", o.recipients().get(1).enhancedStatus());
        assertEquals(List.of("patmos.stalls"), e.unanswered());
        assertEquals(1, queue.contents.size());
    }

    @Test
    void theSameMessageHasTheSameDerivedIdAndAnotherMessageAnother() throws Exception {
        PropMessage m = new TypedMessage().subject("s").to("carol@example.net", null).body("b").build();
        String id = Outgoing.typed("alice@example.org", m).withContentTransferId().transferId();
        assertEquals(id, Outgoing.typed("alice@example.org", m).withContentTransferId().transferId());
        assertTrue(org.postrider.internal.proto.Begin.validTransferId(id), id);
        PropMessage other = new TypedMessage().subject("s").to("carol@example.net", null).body("c").build();
        assertTrue(!id.equals(Outgoing.typed("alice@example.org", other).withContentTransferId().transferId()));
        PropMessage bcc = new TypedMessage().subject("s").to("carol@example.net", null).bcc("erin@example.net")
                .body("b").build();
        assertTrue(!id.equals(Outgoing.typed("alice@example.org", bcc).withContentTransferId().transferId()),
                "the envelope counts");
    }

    @Test
    void aServerStartingBesideThisOneDoesNotTakeTheStreamsOfAMessageItIsReceiving() throws Exception {
        List<InternalService> others = new ArrayList<>();
        Blob big = slow(6, 64 * 1024, 100, () -> {
            try { // another instance with the same secret folder, so the same incoming/
                Map<String, Object> o = new HashMap<>();
                o.put("port", -1);
                o.put("secretFile", dir.resolve("internal/org.secret").toString());
                others.add(new InternalService("hermes", InternalLinkTest.config(o), dir.resolve("tls"), null));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        PropMessage base = new TypedMessage().subject("big").to("carol@example.net", null).body("see the file")
                .build();
        PropMessage m = new PropMessage(base.properties(), base.recipients(), List.of(
                org.postrider.api.props.AttachmentRow.of(big, "big.bin", "application/octet-stream", null)));
        Outcome r;
        try (PatmosClient c = alice()) {
            r = c.submit(Outgoing.typed("alice@example.org", m).withTransferId("patmos.beside"));
        } finally {
            others.forEach(InternalService::deactivate);
        }
        assertEquals(1, others.size(), "the other instance started during the upload");
        assertTrue(r.allAccepted(), r.toString());
        assertTrue(content(queue.contents.get(new QueueId(r.queueId()))).contains("big.bin"));
    }
}
