package org.postrider.store.maildir;

import java.time.Instant;
import java.util.Set;
import org.postrider.api.store.Flag;
import org.postrider.api.store.MessageMeta;

/**
 * One message as the index knows it.
 *
 * @param file        where it is, relative to the folder: "new/BASE" or "cur/BASE:2,FLAGS"
 * @param deliveryKey the key that makes a redelivery idempotent, or null
 */
record Msg(long uid, String base, String file, long size, Set<Flag> flags, Set<String> keywords, long modSeq,
        Instant internalDate, String deliveryKey) {

    Msg {
        flags = Set.copyOf(flags);
        keywords = Set.copyOf(keywords);
    }

    MessageMeta meta() {
        return new MessageMeta(uid, size, flags, keywords, modSeq, internalDate);
    }

    Msg withFlags(Set<Flag> f, Set<String> k, long newModSeq, String newFile) {
        return new Msg(uid, base, newFile, size, f, k, newModSeq, internalDate, deliveryKey);
    }
}
