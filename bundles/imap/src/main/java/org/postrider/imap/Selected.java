package org.postrider.imap;

import java.util.Arrays;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.UidSet;

/**
 * The selected mailbox as this session has told the client of it: the UIDs in message-number
 * order (number n is {@code uids[n - 1]}), the MODSEQ up to which it knows the changes, and
 * the messages that are \Recent for this session. It holds names and numbers only; the
 * store is asked at each command.
 */
public final class Selected {
    private volatile FolderRef ref;
    private final boolean readOnly;
    private long[] uids;
    private int count;
    private long modSeq;
    private final UidSet recent;
    /** Expunged in the store, not yet told (no EXPUNGE during FETCH, STORE, SEARCH: RFC 9051 7.5.1). */
    private final java.util.TreeSet<Long> held = new java.util.TreeSet<>();
    /** The SEARCHRES result "$" (RFC 5182) as UIDs: expunged ones drop out as they are resolved. */
    private UidSet saved = UidSet.empty();

    public Selected(FolderRef ref, boolean readOnly, UidSet uids, long modSeq, UidSet recent) {
        this.ref = ref;
        this.readOnly = readOnly;
        this.uids = new long[(int) Math.max(16, uids.size())];
        for (int i = 0; i < uids.rangeCount(); i++) {
            for (long u = uids.rangeFrom(i); u <= uids.rangeTo(i); u++) {
                this.uids[count++] = u;
            }
        }
        this.modSeq = modSeq;
        this.recent = recent;
    }

    public FolderRef ref() {
        return ref;
    }

    /**
     * The mailbox (or one above it) was renamed by this session: the same folder under its new
     * name, with its UIDVALIDITY and UIDs, so the session stays selected (RFC 9051 6.3.6 keeps
     * them; nothing in it deselects).
     */
    public void renamed(String folder) {
        ref = new FolderRef(ref.user(), folder, ref.uidValidity());
    }

    public boolean readOnly() {
        return readOnly;
    }

    public int exists() {
        return count;
    }

    public long modSeq() {
        return modSeq;
    }

    void modSeq(long m) {
        modSeq = Math.max(modSeq, m);
    }

    public boolean recent(long uid) {
        return recent.contains(uid);
    }

    public int recentCount() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += recent.contains(uids[i]) ? 1 : 0;
        }
        return n;
    }

    /** The UID of message number n (1-based). */
    public long uid(int n) {
        return uids[n - 1];
    }

    /** The message number of a UID, or 0 if this session does not know it. */
    public int number(long uid) {
        int i = Arrays.binarySearch(uids, 0, count, uid);
        return i < 0 ? 0 : i + 1;
    }

    /** The MODSEQ the client was up to when the expunges now held back began: below each of theirs. */
    private long heldSince;

    /** Holds back expunges; {@code upTo} is the MODSEQ the client was told everything up to. */
    void holdExpunged(UidSet gone, long upTo) {
        if (held.isEmpty() && !gone.isEmpty()) {
            heldSince = upTo;
        }
        gone.forEach(held::add);
    }

    /** While expunges are held back: the MODSEQ a client may resume from without missing them. */
    public long heldSince() {
        return heldSince;
    }

    /** The expunges held back, to be told now, in UID order (each numbered as the client counts after the ones before). */
    java.util.List<Long> takeHeld() {
        java.util.List<Long> l = new java.util.ArrayList<>(held);
        held.clear();
        return l;
    }

    /** Whether expunges are held back, not yet told. */
    public boolean holdsExpunges() {
        return !held.isEmpty();
    }

    /** Whether the store expunged this message while the client was not yet told. */
    public boolean expungedMeanwhile(long uid) {
        return held.contains(uid);
    }

    public UidSet saved() {
        return saved;
    }

    public void save(UidSet result) {
        saved = result;
    }

    /** The highest UID known, or 0. */
    public long lastUid() {
        return count == 0 ? 0 : uids[count - 1];
    }

    void add(long uid) {
        if (count == uids.length) {
            uids = Arrays.copyOf(uids, uids.length * 2);
        }
        uids[count++] = uid;
    }

    /** Removes a UID; returns the message number it had, or 0. */
    int remove(long uid) {
        int n = number(uid);
        if (n > 0) {
            System.arraycopy(uids, n, uids, n - 1, count - n);
            count--;
        }
        return n;
    }

    /** The UIDs of the message numbers in {@code numbers}, those that exist. */
    public UidSet uidsOf(UidSet numbers) {
        UidSet.Builder b = new UidSet.Builder();
        for (int i = 0; i < numbers.rangeCount(); i++) {
            long from = Math.max(1, numbers.rangeFrom(i));
            long to = Math.min(count, numbers.rangeTo(i));
            for (long n = from; n <= to; n++) {
                b.add(uids[(int) n - 1]);
            }
        }
        return b.build();
    }

    /** Every UID this session knows. */
    public UidSet all() {
        UidSet.Builder b = new UidSet.Builder();
        for (int i = 0; i < count; i++) {
            b.add(uids[i]);
        }
        return b.build();
    }

    /**
     * The UIDs this session knows among {@code set}: by the set's ranges, each found by binary
     * search, so the look after every command costs nothing per message of the mailbox when
     * nothing was expunged (it went through all 10,000 UIDs of a large mailbox each time).
     */
    public UidSet known(UidSet set) {
        UidSet.Builder b = new UidSet.Builder();
        for (int i = 0; i < set.rangeCount(); i++) {
            long to = set.rangeTo(i);
            int k = Arrays.binarySearch(uids, 0, count, set.rangeFrom(i));
            for (k = k >= 0 ? k : -k - 1; k < count && uids[k] <= to; k++) {
                b.add(uids[k]);
            }
        }
        return b.build();
    }
}
