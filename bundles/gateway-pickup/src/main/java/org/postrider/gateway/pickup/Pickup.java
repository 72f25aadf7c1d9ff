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
import java.nio.file.StandardCopyOption;
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
import java.util.UUID;
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
 * takes it at most once. Each file is first claimed: renamed into {@code claimed/} under a
 * name no file had before (a random id, then its own name), and that name is its idempotency
 * key, so a crash between the commit and the removal does not queue it twice, and a later
 * file that looks the same (its name, size and times on a reused inode) is never taken for
 * it. A file that can never be taken (no envelope, a recipient refused, too large, not a
 * plain file) is moved to {@code bad/} with a {@code .reason} file beside it: never lost,
 * never tried again in a loop. A temporary refusal (the queue or directory unavailable)
 * leaves the file in {@code claimed/} for a later scan.
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
    private final Path claimed;
    private final Limits limits;
    /** Files refused for the time being, by name, and when to try them again (only files still there are kept). */
    private final Map<String, Instant> waiting = new HashMap<>();

    Pickup(String gatewayId, Path dir, Limits limits) throws IOException {
        this.gatewayId = gatewayId;
        this.dir = dir;
        this.bad = dir.resolve("bad");
        this.claimed = dir.resolve(CLAIMED);
        this.limits = limits;
        Files.createDirectories(bad);
        Files.createDirectories(claimed);
    }

    /** The folder files are renamed into before they are read; only this class writes there. */
    static final String CLAIMED = "claimed";
    /** A claimed name: the random id, '-', then the file's own name (made safe, cut). */
    private static final int ID_LENGTH = 36;
    private static final int KEPT_NAME_LENGTH = 64;

    /**
     * One pass over the folder with the queue and router as they are now (either may be
     * null: then the files wait); returns how many files were queued. One thread at a time.
     */
    int scan(MailQueue queue, Router router) throws IOException {
        if (queue == null || router == null) {
            return 0; // nothing can be taken: the files wait, untouched
        }
        claimNew();
        int queued = 0;
        int handled = 0;
        Instant now = Instant.now();
        Map<String, Instant> stillWaiting = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(claimed)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
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

    /**
     * Renames new files into {@code claimed/}, as many as it has room for (a folder of
     * waiting files stops the claims: the work and the folder stay bounded), then makes the
     * renames durable before any of them is queued: a rename lost in a crash after the commit
     * would bring the file back under its old name, to be claimed and queued again.
     */
    private void claimNew() throws IOException {
        int room = FILES_PER_SCAN;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(claimed)) {
            for (Path ignored : s) {
                if (--room == 0) {
                    return;
                }
            }
        }
        int moved = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(".") || f.equals(bad) || f.equals(claimed)
                        || Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    // a link is moved as a link (rename does not follow it) and set aside by take
                    Files.move(f, claimed.resolve(claimName(name)), StandardCopyOption.ATOMIC_MOVE);
                } catch (NoSuchFileException gone) {
                    continue;
                }
                if (++moved == room) {
                    break;
                }
            }
        }
        if (moved > 0) {
            DurableWrite.syncDirectory(claimed);
            DurableWrite.syncDirectory(dir);
        }
    }

    /** A name no file had before: a random id, then the file's own name in safe characters, cut. */
    static String claimName(String name) {
        StringBuilder sb = new StringBuilder(UUID.randomUUID().toString()).append('-');
        for (int i = 0; i < name.length() && i < KEPT_NAME_LENGTH; i++) {
            char c = name.charAt(i);
            sb.append(c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_') ? c : '_');
        }
        return sb.toString();
    }

    /** The name the foreign system gave a claimed file (as far as it was kept). */
    static String ownName(String claimedName) {
        return claimedName.length() > ID_LENGTH + 1 ? claimedName.substring(ID_LENGTH + 1) : claimedName;
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
        String key = idempotencyKey(f.getFileName().toString());
        java.util.Optional<QueueId> earlier = q.committedWith(key);
        if (earlier.isPresent()) {
            // queued before a crash that came before the removal: remove it now, once is enough
            LOG.info("Pickup file {} was queued already as {}; removing it", f.getFileName(), earlier.get());
            removeTaken(f, before);
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
        MAILLOG.info("picked up file={} id={} from=<{}> nrcpt={} gateway={} claimed={}", ownName(
                f.getFileName().toString()), id, env.sender() == null ? "" : env.sender(), env.recipients().size(),
                gatewayId, f.getFileName());
        removeTaken(f, before);
        return Outcome.QUEUED;
    }

    /**
     * Removes a file whose message the queue has. Its claimed name is its own (no other file
     * ever had it, and only this class writes in {@code claimed/}); that it is still the file
     * that was read is checked all the same: another one is left, never deleted unread.
     */
    private void removeTaken(Path f, BasicFileAttributes read) throws IOException {
        BasicFileAttributes now;
        try {
            now = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return;
        }
        if (read.fileKey() != null && !read.fileKey().equals(now.fileKey())) {
            LOG.warn("Pickup file {} is not the file that was queued; it is left", f.getFileName());
            return;
        }
        Files.deleteIfExists(f);
        DurableWrite.syncDirectory(claimed);
    }

    /** The octets read for the envelope lines: enough for every allowed line at its longest. */
    private int headLimit() {
        return (limits.maxRecipients() + 2) * (EnvelopeLines.MAX_LINE + 2);
    }

    /**
     * A claimed file's key: its claimed name, which no file had before. The same file seen
     * again after a crash has it; no other file ever has it, however much it looks the same.
     */
    static String idempotencyKey(String claimedName) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return "pickup-" + HexFormat.of().formatHex(sha.digest(claimedName.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves a file to bad/ with its reason beside it; a name taken there already gets a suffix. */
    private Outcome toBad(Path f, String reason) throws IOException {
        String name = ownName(f.getFileName().toString());
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
