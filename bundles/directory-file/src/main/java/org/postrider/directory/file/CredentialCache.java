package org.postrider.directory.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Logins verified recently, as Dovecot's auth_cache keeps them: a repeated correct login
 * (a phone polling every few minutes) costs an HMAC instead of a PBKDF2. Only successes are
 * kept; a wrong or new password always pays the slow hash.
 * <p>
 * What is kept tells nothing of the password: the key is HMAC-SHA256 of user and password
 * under a random key made per process (lost at restart, never written), the value the user
 * and the stored hash the password was checked against. A hit needs that stored hash to be
 * still the user's: a changed password or a removed user misses even before {@link #forget}
 * drops the entries. Bounded in time (each entry lives {@code ttl} from its check, never
 * longer) and in size (the least recently used entry goes first).
 */
final class CredentialCache {
    private record Verified(String user, String storedHash, long expires) {
    }

    private final LongSupplier nanoClock;
    private final SecretKeySpec key;
    private final Map<String, Verified> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long ttlNanos;
    private int maxEntries;
    private long hits;
    private long misses;

    CredentialCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        Arrays.fill(k, (byte) 0);
        configure(ttl, maxEntries);
    }

    /** A TTL of zero or a size of zero turns the cache off (and empties it). */
    synchronized void configure(Duration ttl, int maxEntries) {
        this.ttlNanos = Math.max(0, ttl.toNanos());
        this.maxEntries = Math.max(0, maxEntries);
        if (!enabled()) {
            entries.clear();
        }
        trim();
    }

    private boolean enabled() {
        return ttlNanos > 0 && maxEntries > 0;
    }

    /** Whether this password was verified against exactly this stored hash of the user, within the TTL. */
    boolean verified(String user, char[] password, String storedHash) {
        synchronized (this) {
            if (!enabled()) {
                return false;
            }
        }
        String k = keyOf(user, password);
        synchronized (this) {
            Verified v = entries.get(k);
            if (v != null && v.user().equals(user) && v.storedHash().equals(storedHash)
                    && nanoClock.getAsLong() - v.expires() < 0) {
                hits++;
                return true;
            }
            if (v != null) {
                entries.remove(k); // expired or of an older password
            }
            misses++;
            return false;
        }
    }

    /** Records a successful check of this password against this stored hash. */
    void remember(String user, char[] password, String storedHash) {
        synchronized (this) {
            if (!enabled()) {
                return;
            }
        }
        String k = keyOf(user, password);
        synchronized (this) {
            if (enabled()) {
                entries.put(k, new Verified(user, storedHash, nanoClock.getAsLong() + ttlNanos));
                trim();
            }
        }
    }

    /**
     * The user's hash was redone from a password just verified (same password, new salt or
     * count): entries checked against the old hash stand for the new one, with their expiry.
     */
    synchronized void rehashed(String user, String oldHash, String newHash) {
        entries.replaceAll((k, v) -> v.user().equals(user) && v.storedHash().equals(oldHash)
                ? new Verified(user, newHash, v.expires()) : v);
    }

    /** Drops every entry of a user (a password change, a removal). */
    synchronized void forget(String user) {
        entries.values().removeIf(v -> v.user().equals(user));
    }

    synchronized void clear() {
        entries.clear();
    }

    /** For {@code dir:auth-cache}: entries, bound, TTL, hits and misses since start. */
    synchronized String stats() {
        return "entries " + entries.size() + " (at most " + maxEntries + "), ttl " + Duration.ofNanos(ttlNanos)
                + ", hits " + hits + ", misses " + misses + (enabled() ? "" : ", off");
    }

    synchronized int size() {
        return entries.size();
    }

    private void trim() {
        var it = entries.entrySet().iterator();
        while (entries.size() > maxEntries && it.hasNext()) {
            it.next();
            it.remove(); // access order: the least recently used first
        }
    }

    /**
     * HMAC-SHA256(process key, length of user, user, password's UTF-16 units): injective, so
     * no two passwords (lone surrogates included) share a key; the password's copy is wiped.
     */
    private String keyOf(String user, char[] password) {
        byte[] units = new byte[password.length * 2];
        try {
            for (int i = 0; i < password.length; i++) {
                units[2 * i] = (byte) (password[i] >> 8);
                units[2 * i + 1] = (byte) password[i];
            }
            byte[] u = user.getBytes(StandardCharsets.UTF_8);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(ByteBuffer.allocate(4).putInt(u.length).array());
            mac.update(u);
            mac.update(units);
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        } finally {
            Arrays.fill(units, (byte) 0);
        }
    }
}
