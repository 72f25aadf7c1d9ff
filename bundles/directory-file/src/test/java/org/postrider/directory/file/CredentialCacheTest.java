package org.postrider.directory.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CredentialCacheTest {
    private long now;
    private final CredentialCache cache = new CredentialCache(Duration.ofMinutes(5), 3, () -> now);

    @Test
    void aHitNeedsTheSameUserPasswordAndStoredHash() {
        cache.remember("alice@example.org", "pw".toCharArray(), "H1");
        assertTrue(cache.verified("alice@example.org", "pw".toCharArray(), "H1"));
        assertFalse(cache.verified("alice@example.org", "pW".toCharArray(), "H1"));
        assertFalse(cache.verified("bob@example.org", "pw".toCharArray(), "H1"));
        assertFalse(cache.verified("alice@example.org", "pw".toCharArray(), "H2"), "the password changed since");
        assertFalse(cache.verified("alice@example.org", "pw".toCharArray(), "H1"), "and the stale entry is gone");
    }

    @Test
    void userAndPasswordDoNotRunIntoEachOther() {
        cache.remember("a", "bc".toCharArray(), "H");
        assertFalse(cache.verified("ab", "c".toCharArray(), "H"));
        cache.remember("a", "\uD800".toCharArray(), "H");
        assertFalse(cache.verified("a", "\uD801".toCharArray(), "H"), "lone surrogates are not folded together");
        assertFalse(cache.verified("a", "?".toCharArray(), "H"));
    }

    @Test
    void theSizeIsBoundedAndTheLeastRecentlyUsedGoesFirst() {
        for (String u : new String[] {"a", "b", "c"}) {
            cache.remember(u, "pw".toCharArray(), "H");
        }
        assertTrue(cache.verified("a", "pw".toCharArray(), "H")); // a is now the most recent
        for (int i = 0; i < 100; i++) {
            cache.remember("x" + i, "pw".toCharArray(), "H");
            assertTrue(cache.size() <= 3, "at most the configured number: " + cache.size());
        }
        assertFalse(cache.verified("a", "pw".toCharArray(), "H"));
        assertTrue(cache.verified("x99", "pw".toCharArray(), "H"));
        cache.configure(Duration.ofMinutes(5), 1);
        assertEquals(1, cache.size(), "a smaller bound applies at once");
    }

    @Test
    void anEntryLivesItsTtlFromTheCheckNotFromTheLastHit() {
        cache.remember("a", "pw".toCharArray(), "H");
        now += Duration.ofMinutes(4).toNanos();
        assertTrue(cache.verified("a", "pw".toCharArray(), "H"));
        now += Duration.ofMinutes(1).toNanos() - 1;
        assertTrue(cache.verified("a", "pw".toCharArray(), "H"));
        now += 1;
        assertFalse(cache.verified("a", "pw".toCharArray(), "H"));
    }

    @Test
    void forgettingAUserDropsOnlyTheirs() {
        cache.remember("a", "pw1".toCharArray(), "H");
        cache.remember("a", "pw2".toCharArray(), "H");
        cache.remember("b", "pw".toCharArray(), "H");
        cache.forget("a");
        assertFalse(cache.verified("a", "pw1".toCharArray(), "H"));
        assertFalse(cache.verified("a", "pw2".toCharArray(), "H"));
        assertTrue(cache.verified("b", "pw".toCharArray(), "H"));
    }

    @Test
    void aRehashCarriesTheEntryOverWithItsExpiry() {
        cache.remember("a", "pw".toCharArray(), "OLD");
        now += Duration.ofMinutes(3).toNanos();
        cache.rehashed("a", "OLD", "NEW");
        assertTrue(cache.verified("a", "pw".toCharArray(), "NEW"));
        now += Duration.ofMinutes(2).toNanos();
        assertFalse(cache.verified("a", "pw".toCharArray(), "NEW"));
    }

    @Test
    void turnedOffItRemembersNothing() {
        cache.remember("a", "pw".toCharArray(), "H");
        cache.configure(Duration.ZERO, 3);
        assertEquals(0, cache.size());
        cache.remember("a", "pw".toCharArray(), "H");
        assertFalse(cache.verified("a", "pw".toCharArray(), "H"));
    }
}
