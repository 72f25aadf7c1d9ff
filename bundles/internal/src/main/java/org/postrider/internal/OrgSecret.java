package org.postrider.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.postrider.kit.durable.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The organisation's shared secret for HMAC link authentication: 32 random octets kept as
 * 64 hex digits in a file only the server's user can read, made at the first start (copy
 * it to the organisation's other servers). Read again when the file changes, so a copied
 * secret takes effect without a restart.
 */
final class OrgSecret {
    private static final Logger LOG = LoggerFactory.getLogger(OrgSecret.class);
    static final Path DEFAULT = Path.of("data/internal/org.secret");

    private final Path file;
    private volatile byte[] secret;
    private volatile long stamp;

    OrgSecret(Path file) throws IOException {
        this.file = file.toAbsolutePath();
        if (!Files.exists(this.file)) {
            DurableFiles.createDirectories(this.file.getParent());
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            DurableFiles.writeOwnerOnly(this.file,
                    out -> out.write((HexFormat.of().formatHex(fresh) + "\n").getBytes(StandardCharsets.US_ASCII)));
            LOG.warn("Made the organisation secret {}: copy it to the organisation's other servers", this.file);
        }
        load();
    }

    /** The secret, or null when the file is unreadable or too short (links by HMAC are then refused). */
    byte[] get() {
        try {
            if (Files.getLastModifiedTime(file).toMillis() != stamp) {
                load();
            }
        } catch (IOException e) {
            LOG.error("The organisation secret {} cannot be read: {}", file, e.getMessage());
            return null;
        }
        return secret;
    }

    private synchronized void load() throws IOException {
        long s = Files.getLastModifiedTime(file).toMillis();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
            Files.setPosixFilePermissions(file, Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            LOG.warn("The organisation secret {} was readable by others; made owner-only", file);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        byte[] v = null;
        try {
            v = HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            LOG.error("The organisation secret {} is not hex digits", file);
        }
        if (v != null && v.length < 16) {
            LOG.error("The organisation secret {} is shorter than 16 octets; refused", file);
            v = null;
        }
        secret = v;
        stamp = s;
    }

    Path file() {
        return file;
    }
}
