package org.postrider.store.maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Changes;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/**
 * A MaildirFolder seen the way the folder tests read it: all messages, content by UID,
 * the counters. Only calls the folder's own methods (no UIDVALIDITY check), so the tests
 * say what the folder does, not what an adapter does.
 */
final class FolderView {
    static final UidSet ALL = UidSet.range(1, IndexLog.MAX_UID - 1);

    final MaildirFolder folder;

    FolderView(MaildirFolder folder) {
        this.folder = folder;
    }

    /**
     * A folder of alice's at {@code dir} without the OS lock, so a test can play a crash (or a
     * restart) by opening the same folder again beside the first.
     */
    static FolderView open(Path dir, MaildirFolder.FolderEvents events) {
        return new FolderView(new MaildirFolder("alice@example.org", "INBOX", dir, "athena", events,
                UsageListener.NONE, new StoreStats(), false));
    }

    List<MessageMeta> messages() throws StoreException {
        return folder.messages(0, ALL);
    }

    List<Long> uids() throws StoreException {
        return messages().stream().map(MessageMeta::uid).toList();
    }

    /** The message's text, its file looked up at each open; null if it has been expunged. */
    MessageContent content(long uid) throws StoreException {
        long size = folder.size(0, uid);
        if (size < 0) {
            return null;
        }
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                try {
                    return Files.newInputStream(folder.path(uid));
                } catch (StoreException e) {
                    throw new IOException(e);
                }
            }
        };
    }

    String text(long uid) throws Exception {
        try (InputStream in = content(uid).open()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    long uidValidity() throws StoreException {
        return folder.uidValidity();
    }

    long uidNext() throws StoreException {
        return folder.summary().uidNext();
    }

    long highestModSeq() throws StoreException {
        return folder.summary().highestModSeq();
    }

    long deliver(MessageContent content, String deliveryKey) throws StoreException {
        return folder.deliver(content, deliveryKey);
    }

    /** Changes flags unconditionally; the messages as they are after it. */
    List<MessageMeta> changeFlags(List<Long> uids, FlagChange change, Set<Flag> flags, Set<String> keywords)
            throws StoreException {
        return folder.changeFlags(0, UidSet.of(uids), change, flags, keywords, -1).messages();
    }

    UidSet expunge(List<Long> uids) throws StoreException {
        return folder.expunge(0, UidSet.of(uids));
    }

    Changes changesSince(long modSeq) throws StoreException {
        return folder.changesSince(0, modSeq);
    }

    void refresh() throws StoreException {
        folder.refresh();
    }

    void reindex() throws StoreException {
        folder.reindex();
    }
}
