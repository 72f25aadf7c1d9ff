package org.postrider.pop3;

import java.util.ArrayList;
import java.util.List;
import org.postrider.api.store.Folder;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;

/**
 * A user's INBOX as one POP3 session sees it: the snapshot taken at login (from the
 * store's index, no message file read), numbered from 1, with deletion marks that take
 * effect only in the UPDATE state at QUIT.
 */
public final class Maildrop {
    public final String user;
    public final Folder folder;
    private final List<MessageMeta> messages;
    private final boolean[] deleted;
    /** Taken at login with the snapshot: UIDLs stay as they were (and need no store) for the session. */
    private final long uidValidity;

    Maildrop(String user, Folder folder) throws StoreException {
        this.user = user;
        this.folder = folder;
        this.messages = folder.messages();
        this.uidValidity = folder.uidValidity();
        this.deleted = new boolean[messages.size()];
    }

    public int total() {
        return messages.size();
    }

    /** The message numbered n, or null if there is none or it is marked deleted. */
    public MessageMeta get(int n) {
        return n >= 1 && n <= messages.size() && !deleted[n - 1] ? messages.get(n - 1) : null;
    }

    public boolean delete(int n) {
        if (get(n) == null) {
            return false;
        }
        deleted[n - 1] = true;
        return true;
    }

    public void undeleteAll() {
        java.util.Arrays.fill(deleted, false);
    }

    public int count() {
        int c = 0;
        for (int i = 0; i < messages.size(); i++) {
            c += deleted[i] ? 0 : 1;
        }
        return c;
    }

    public long octets() {
        long s = 0;
        for (int i = 0; i < messages.size(); i++) {
            s += deleted[i] ? 0 : messages.get(i).size();
        }
        return s;
    }

    /** The unique id: UIDVALIDITY and UID, stable across sessions and restarts. */
    public String uidl(MessageMeta m) {
        return uidValidity + "." + m.uid();
    }

    /** The UPDATE state: removes the marked messages for good. */
    public int update() throws StoreException {
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (deleted[i]) {
                uids.add(messages.get(i).uid());
            }
        }
        if (!uids.isEmpty()) {
            folder.expunge(uids);
        }
        return uids.size();
    }
}
