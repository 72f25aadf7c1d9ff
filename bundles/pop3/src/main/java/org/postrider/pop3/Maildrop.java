package org.postrider.pop3;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/**
 * A user's INBOX as one POP3 session sees it: the UIDs and sizes taken at login (from the
 * store's index, no message file read), numbered from 1, with deletion marks that take
 * effect only in the UPDATE state at QUIT. It holds names, not store objects: each RETR and
 * the UPDATE go to the store bound at that moment, by UIDVALIDITY and UID, so a store
 * updated during the session serves it (or refuses, temporarily), and never the wrong message.
 */
public final class Maildrop {
    /** One message of the snapshot. */
    public record Entry(long uid, long size) {
    }

    public final String user;
    private final FolderRef inbox;
    private final Supplier<MailStore> store;
    private final long[] uids;
    private final long[] sizes;
    private final boolean[] deleted;

    Maildrop(String user, Supplier<MailStore> store) throws StoreException {
        this.user = user;
        this.store = store;
        MailStore s = current(store);
        long validity = s.summary(user, "INBOX").uidValidity();
        this.inbox = new FolderRef(user, "INBOX", validity);
        List<MessageMeta> all = s.messages(inbox, s.uids(inbox));
        this.uids = new long[all.size()];
        this.sizes = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            uids[i] = all.get(i).uid();
            sizes[i] = all.get(i).size();
        }
        this.deleted = new boolean[uids.length];
    }

    private static MailStore current(Supplier<MailStore> store) throws StoreException {
        MailStore s = store.get();
        if (s == null) {
            throw new StoreException("the store is being replaced; try again", true);
        }
        return s;
    }

    public int total() {
        return uids.length;
    }

    /** The message numbered n, or null if there is none or it is marked deleted. */
    public Entry get(int n) {
        return n >= 1 && n <= uids.length && !deleted[n - 1] ? new Entry(uids[n - 1], sizes[n - 1]) : null;
    }

    public boolean delete(int n) {
        if (get(n) == null) {
            return false;
        }
        deleted[n - 1] = true;
        return true;
    }

    public void undeleteAll() {
        Arrays.fill(deleted, false);
    }

    public int count() {
        int c = 0;
        for (boolean d : deleted) {
            c += d ? 0 : 1;
        }
        return c;
    }

    public long octets() {
        long s = 0;
        for (int i = 0; i < uids.length; i++) {
            s += deleted[i] ? 0 : sizes[i];
        }
        return s;
    }

    /** The unique id: UIDVALIDITY and UID, stable across sessions and restarts. */
    public String uidl(Entry m) {
        return inbox.uidValidity() + "." + m.uid();
    }

    /** The message's text from the store bound now; null if it has been expunged meanwhile. */
    public MessageContent content(Entry m) throws StoreException {
        return current(store).content(inbox, m.uid());
    }

    /** The UPDATE state: removes the marked messages for good. */
    public int update() throws StoreException {
        UidSet.Builder b = new UidSet.Builder();
        int n = 0;
        for (int i = 0; i < uids.length; i++) {
            if (deleted[i]) {
                b.add(uids[i]);
                n++;
            }
        }
        if (n > 0) {
            current(store).expunge(inbox, b.build());
        }
        return n;
    }
}
