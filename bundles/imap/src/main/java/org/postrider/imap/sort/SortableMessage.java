package org.postrider.imap.sort;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.MessageStructure;
import org.postrider.imap.parse.SortRequest;
import org.postrider.kit.text.EncodedWords;

/**
 * What SORT compares of one message (RFC 5256 2, RFC 5957), taken once from the index and
 * the store's cached structure: only the keys asked for are kept (others are ""), each
 * folded for i;ascii-casemap and cut to {@link Collation#MAX_KEY}, so a sort holds a few
 * short strings per message and never the structures.
 *
 * @param id     what the answer shows: the message number, or the UID for UID SORT
 * @param number the message sequence number, which breaks ties
 * @param modSeq the message's mod-sequence, for the MODSEQ a SORT with a MODSEQ key tells (RFC 7162 3.1.5)
 */
public record SortableMessage(long id, int number, long size, long modSeq, long arrival, long sent, String subject,
        String from, String to, String cc, String displayFrom, String displayTo) {

    /** Whether sorting by {@code keys} needs the message's structure (anything but ARRIVAL and SIZE). */
    public static boolean needsStructure(Set<SortRequest.Key> keys) {
        return keys.stream().anyMatch(k -> k != SortRequest.Key.ARRIVAL && k != SortRequest.Key.SIZE);
    }

    /** The keys of one message; {@code structure} may be null (not needed, or expunged meanwhile). */
    public static SortableMessage of(long id, int number, MessageMeta meta, MessageStructure structure,
            Set<SortRequest.Key> keys) {
        Envelope e = structure == null ? null : structure.envelope();
        long arrival = millis(meta.internalDate());
        long sent = sent(meta, structure);
        return new SortableMessage(id, number, meta.size(), meta.modSeq(), arrival, sent,
                keys.contains(SortRequest.Key.SUBJECT) && e != null ? Collation.key(BaseSubject.of(e.subject()).text()) : "",
                keys.contains(SortRequest.Key.FROM) && e != null ? Collation.key(mailbox(e.from())) : "",
                keys.contains(SortRequest.Key.TO) && e != null ? Collation.key(mailbox(e.to())) : "",
                keys.contains(SortRequest.Key.CC) && e != null ? Collation.key(mailbox(e.cc())) : "",
                keys.contains(SortRequest.Key.DISPLAYFROM) && e != null ? Collation.key(display(e.from())) : "",
                keys.contains(SortRequest.Key.DISPLAYTO) && e != null ? Collation.key(display(e.to())) : "");
    }

    /** The sent date (RFC 5256 2.2) in milliseconds: the Date field, or the internal date without a readable one. */
    public static long sent(MessageMeta meta, MessageStructure structure) {
        return structure != null && structure.sentDate() != null ? millis(structure.sentDate()) : millis(meta.internalDate());
    }

    static long millis(Instant t) {
        return t == null ? 0 : t.toEpochMilli();
    }

    /** The first mailbox of an address list (group names and ends are not mailboxes), or null. */
    static Envelope.Address first(List<Envelope.Address> list) {
        if (list != null) {
            for (Envelope.Address a : list) {
                if (a.host() != null && a.mailbox() != null) {
                    return a;
                }
            }
        }
        return null;
    }

    /** RFC 5256 FROM, TO, CC: the addr-mailbox (local part) of the first mailbox, "" without one. */
    static String mailbox(List<Envelope.Address> list) {
        Envelope.Address a = first(list);
        return a == null ? "" : a.mailbox();
    }

    /**
     * RFC 5957 DISPLAYFROM, DISPLAYTO: the first mailbox's display name, decoded, when it has
     * a non-empty one; else its addr-spec; "" without a mailbox.
     */
    static String display(List<Envelope.Address> list) {
        Envelope.Address a = first(list);
        if (a == null) {
            return "";
        }
        if (a.name() != null) {
            String name = EncodedWords.decode(a.name()).strip();
            if (!name.isEmpty()) {
                return name;
            }
        }
        return a.host().isEmpty() ? a.mailbox() : a.mailbox() + "@" + a.host();
    }
}
