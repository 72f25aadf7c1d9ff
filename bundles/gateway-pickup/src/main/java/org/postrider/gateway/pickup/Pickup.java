package org.postrider.gateway.pickup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.MailQueue;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Router;
import org.postrider.api.queue.Submission;
import org.postrider.api.queue.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the files a foreign system puts in the pickup folder into the queue, with SMTP's
 * promise: a file is removed only after the queue committed its message, and the queue
 * takes it at most once (an idempotency key from the file's identity, so a crash between
 * the commit and the removal does not queue it twice). A file that can never be taken (no
 * envelope, a recipient refused, too large, not a plain file) is moved to {@code bad/} with
 * a {@code .reason} file beside it: never lost, never tried again in a loop. A temporary
 * refusal (the queue or directory unavailable) leaves the file for a later scan.
 * <p>
 * Names starting with a dot are skipped: a foreign system writes under such a name (or in
 * another folder of the same file system) and renames, so a half-written file is never read.
 */
final class Pickup {
    private static final Logger LOG = LoggerFactory.getLogger(Pickup.class);
    private static final Logger MAILLOG = LoggerFactory.getLogger("postrider.mail");

    /** Files handled per scan: the scan's work is bounded, the next scan goes on. */
    static final int FILES_PER_SCAN = 100;
    /** How long a file refused for the time being waits before it is tried again. */
    static final Duration DEFER_WAIT = Duration.ofSeconds(10);

    record Limits(long maxMessageSize, int maxRecipients, boolean relay) {
    }

    private final String gatewayId;
    private final Path dir;
    private final Path bad;
    private final Limits limits;
    /** Files refused for the time being, by name, and when to try them again (only files still there are kept). */
    private final Map<String, Instant> waiting = new HashMap<>();

    Pickup(String gatewayId, Path dir, Limits limits) throws IOException {
        this.gatewayId = gatewayId;
        this.dir = dir;
        this.bad = dir.resolve("bad");
        this.limits = limits;
        Files.createDirectories(bad);
    }

    /**
     * One pass over the folder with the queue and router as they are now (either may be
     * null: then the files wait); returns how many files were queued. One thread at a time.
     */
    int scan(MailQueue queue, Router router) throws IOException {
        if (queue == null || router == null) {
            return 0; // nothing can be taken: the files wait, untouched
        }
        int queued = 0;
        int handled = 0;
        Instant now = Instant.now();
        Map<String, Instant> stillWaiting = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || f.equals(bad)) {
                    continue;
                }
                Instant retryAt = waiting.get(name);
                if (retryAt != null && retryAt.isAfter(now)) {
                    stillWaiting.put(name, retryAt);
                    continue;
                }
                if (handled++ == FILES_PER_SCAN) {
                    break;
                }
                Outcome o;
                try {
                    o = take(f, queue, router);
                } catch (IOException | RuntimeException e) {
                    // this file's trouble (unreadable, bad/ not writable) must not stop the others
                    LOG.warn("Pickup file {} cannot be taken now: {}", EnvelopeLines.printable(name), e.toString());
                    o = Outcome.LATER;
                }
                if (o == Outcome.QUEUED) {
                    queued++;
                } else if (o == Outcome.LATER) {
                    stillWaiting.put(name, now.plus(DEFER_WAIT));
                }
            }
        }
        waiting.clear();
        waiting.putAll(stillWaiting);
        return queued;
    }

    enum Outcome { QUEUED, BAD, LATER, GONE }

    /** Takes one file: into the queue, into bad/, or left for later. */
    Outcome take(Path f, MailQueue q, Router r) throws IOException {
        BasicFileAttributes before;
        try {
            before = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Outcome.GONE;
        }
        if (before.isDirectory()) {
            return Outcome.GONE; // not ours to read
        }
        if (!before.isRegularFile()) {
            // a link could point anywhere the server may read: never mail it out
            return toBad(f, "not a plain file (a symbolic link or a device)");
        }
        if (before.size() > limits.maxMessageSize() + headLimit()) {
            return toBad(f, "larger than maxMessageSize (" + limits.maxMessageSize() + " octets)");
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            int headLength = (int) Math.min(size, headLimit());
            ByteBuffer head = ByteBuffer.allocate(headLength);
            while (head.hasRemaining() && ch.read(head) >= 0) {
                // fill
            }
            EnvelopeLines.Parsed env;
            try {
                env = EnvelopeLines.parse(head.array(), head.position(), head.position() == size,
                        limits.maxRecipients());
            } catch (EnvelopeLines.BadFile e) {
                return toBad(f, e.getMessage());
            }
            if (size - env.messageOffset() > limits.maxMessageSize()) {
                return toBad(f, "the message is larger than maxMessageSize (" + limits.maxMessageSize() + " octets)");
            }
            return submit(f, ch, before, env, q, r);
        } catch (NoSuchFileException e) {
            return Outcome.GONE;
        }
    }

    private Outcome submit(Path f, FileChannel ch, BasicFileAttributes before, EnvelopeLines.Parsed env,
            MailQueue q, Router r) throws IOException {
        for (MailAddress rcpt : env.recipients()) {
            Verdict v = r.checkRecipient(env.sender(), rcpt, limits.relay());
            switch (v.kind()) {
                case ACCEPT -> {
                }
                case DEFER -> {
                    LOG.info("Pickup file {} waits: <{}> {} {}", f.getFileName(), rcpt, v.enhancedCode(), v.text());
                    return Outcome.LATER;
                }
                case REJECT -> {
                    return toBad(f, "recipient <" + rcpt + "> refused: " + v.replyCode() + " " + v.enhancedCode() + " "
                            + v.text());
                }
            }
        }
        String key = idempotencyKey(f, before);
        java.util.Optional<QueueId> earlier = q.committedWith(key);
        if (earlier.isPresent()) {
            // queued before a crash that came before the removal: remove it now, once is enough
            LOG.info("Pickup file {} was queued already as {}; removing it", f.getFileName(), earlier.get());
            removeTaken(f);
            return Outcome.QUEUED;
        }
        boolean utf8 = (env.sender() != null && env.sender().needsSmtpUtf8())
                || env.recipients().stream().anyMatch(MailAddress::needsSmtpUtf8);
        Envelope envelope = new Envelope(env.sender(), env.recipients().stream().map(Recipient::of).toList(),
                BodyType.EIGHT_BIT_MIME, utf8, ch.size() - env.messageOffset(), null, null,
                new Origin("gateway:" + gatewayId, null, null, null, Instant.now()));
        QueueId id;
        try (Submission s = q.begin(envelope, key)) {
            ch.position(env.messageOffset());
            CrlfOutputStream out = new CrlfOutputStream(s.content());
            InputStream in = Channels.newInputStream(ch);
            in.transferTo(out);
            out.finish();
            BasicFileAttributes after = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (after.size() != before.size() || !after.lastModifiedTime().equals(before.lastModifiedTime())) {
                // a writer that did not rename its file in: what we read may be half of it
                LOG.warn("Pickup file {} changed while it was read; it is read again later (write files under a"
                        + " temporary name and rename them in)", f.getFileName());
                return Outcome.LATER;
            }
            id = s.commit();
        } catch (QueueException e) {
            if (e.permanent()) {
                return toBad(f, "the queue refused it: " + e.getMessage());
            }
            LOG.warn("Pickup file {} waits: the queue cannot take it now: {}", f.getFileName(), e.getMessage());
            return Outcome.LATER;
        }
        MAILLOG.info("picked up file={} id={} from=<{}> nrcpt={} gateway={}", EnvelopeLines.printable(
                f.getFileName().toString()), id, env.sender() == null ? "" : env.sender(), env.recipients().size(),
                gatewayId);
        removeTaken(f);
        return Outcome.QUEUED;
    }

    private void removeTaken(Path f) throws IOException {
        Files.deleteIfExists(f);
        DurableWrite.syncDirectory(dir);
    }

    /** The octets read for the envelope lines: enough for every allowed line at its longest. */
    private int headLimit() {
        return (limits.maxRecipients() + 2) * (EnvelopeLines.MAX_LINE + 2);
    }

    /**
     * The file's identity: which file (device and inode), its name, size and time. The same
     * file seen again after a crash has the same key; another file with the same content,
     * put there later, has another.
     */
    static String idempotencyKey(Path f, BasicFileAttributes a) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String identity = a.fileKey() + "|" + f.getFileName() + "|" + a.size() + "|"
                    + a.lastModifiedTime().toInstant() + "|" + a.creationTime().toInstant();
            return "pickup-" + HexFormat.of().formatHex(sha.digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves a file to bad/ with its reason beside it; a name taken there already gets a suffix. */
    private Outcome toBad(Path f, String reason) throws IOException {
        String name = f.getFileName().toString();
        Path target = bad.resolve(name);
        for (int n = 1; Files.exists(target, LinkOption.NOFOLLOW_LINKS) || Files.exists(reasonFile(target),
                LinkOption.NOFOLLOW_LINKS); n++) {
            target = bad.resolve(name + "." + n);
        }
        try {
            DurableWrite.move(f, target);
        } catch (NoSuchFileException e) {
            return Outcome.GONE;
        }
        Path moved = target;
        DurableWrite.write(reasonFile(moved), out -> out.write((reason + "\n").getBytes(StandardCharsets.UTF_8)));
        LOG.warn("Pickup file {} moved to {}: {}", EnvelopeLines.printable(name), moved, reason);
        return Outcome.BAD;
    }

    private static Path reasonFile(Path badFile) {
        return badFile.resolveSibling(badFile.getFileName() + ".reason");
    }

    /** For tests: the names waiting for a later scan. */
    Set<String> waiting() {
        return Set.copyOf(waiting.keySet());
    }
}
