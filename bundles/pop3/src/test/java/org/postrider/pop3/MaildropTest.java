package org.postrider.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.Folder;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;

/** The session's snapshot: UIDLs answer from it even when the store behind it has stopped. */
class MaildropTest {
    /** An INBOX whose store is stopped (restarted) after the login. */
    static final class StoppingFolder implements Folder {
        boolean stopped;

        private void check() {
            if (stopped) {
                throw new IllegalStateException("the store is restarting; try again");
            }
        }

        @Override
        public String name() {
            return "INBOX";
        }

        @Override
        public long uidValidity() {
            check();
            return 1700000000L;
        }

        @Override
        public long uidNext() {
            check();
            return 3;
        }

        @Override
        public long highestModSeq() {
            check();
            return 2;
        }

        @Override
        public List<MessageMeta> messages() {
            check();
            return List.of(new MessageMeta(1, 10, Set.of(), Set.of(), 1, Instant.EPOCH),
                    new MessageMeta(2, 20, Set.of(), Set.of(), 2, Instant.EPOCH));
        }

        @Override
        public MessageContent content(long uid) throws StoreException {
            throw new StoreException("the store is restarting; try again", true);
        }

        @Override
        public long append(MessageContent content, Set<Flag> flags, Set<String> keywords, Instant internalDate)
                throws StoreException {
            throw new StoreException("not here", false);
        }

        @Override
        public List<MessageMeta> changeFlags(Collection<Long> uids, FlagChange change, Set<Flag> flags,
                Set<String> keywords) throws StoreException {
            throw new StoreException("not here", false);
        }

        @Override
        public void expunge(Collection<Long> uids) throws StoreException {
            throw new StoreException("the store is restarting; try again", true);
        }
    }

    @Test
    void uidlsComeFromTheLoginSnapshotNotFromTheStore() throws Exception {
        StoppingFolder inbox = new StoppingFolder();
        Maildrop drop = new Maildrop("alice@example.org", inbox);
        inbox.stopped = true; // a store restart while the session is in TRANSACTION state
        assertEquals("1700000000.2", drop.uidl(drop.get(2)), "no session dies on a UIDL");
    }
}
