package org.postrider.store.maildir;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;

/**
 * IMAP SEARCH over a folder in two passes: the index decides every key it can (flags, sizes,
 * dates, MODSEQ, UIDs) for all messages under the folder's lock, leaving "maybe" where a
 * key needs the message; then each "maybe" is decided from the cached structure (header
 * keys, sent date) or by streaming its text (body keys), one message at a time, outside the
 * lock.
 */
final class Search {
    private enum Tri { YES, NO, MAYBE }

    private final Structures structures;

    Search(Structures structures) {
        this.structures = structures;
    }

    UidSet run(MaildirStore store, FolderHandle h, long validity, SearchKey key, UidSet within)
            throws StoreException {
        ZoneId zone = ZoneId.systemDefault();
        UidSet.Builder yes = new UidSet.Builder();
        List<Long> maybe = new ArrayList<>();
        UidSet.Builder all = new UidSet.Builder();
        h.call(f -> {
            f.scan(validity, within, (t, r) -> {
                Tri v = index(key, t, r, zone);
                if (v == Tri.MAYBE) {
                    maybe.add(t.uid(r));
                }
                return v != Tri.NO;
            }, all::add);
            return null;
        });
        if (maybe.isEmpty()) {
            return all.build();
        }
        UidSet candidates = all.build();
        UidSet undecided = UidSet.of(maybe);
        for (long uid : candidates) {
            if (!undecided.contains(uid) || message(store, h, validity, uid, key, zone)) {
                yes.add(uid);
            }
        }
        return yes.build();
    }

    /** What the index alone says of a key for one row. */
    private static Tri index(SearchKey key, MessageTable t, int r, ZoneId zone) {
        return switch (key) {
            case SearchKey.All a -> Tri.YES;
            case SearchKey.Uids u -> of(u.uids().contains(t.uid(r)));
            case SearchKey.HasFlag f -> of(((t.flagBits(r) & (1 << f.flag().ordinal())) != 0) == f.set());
            case SearchKey.HasKeyword k -> of(t.keywords(r).contains(k.keyword()) == k.set());
            case SearchKey.Larger l -> of(t.messageSize(r) > l.octets());
            case SearchKey.Smaller s -> of(t.messageSize(r) < s.octets());
            case SearchKey.ModSeq m -> of(t.modSeq(r) >= m.modSeq());
            case SearchKey.Received d -> of(compare(Instant.ofEpochMilli(t.dateMillis(r)).atZone(zone).toLocalDate(),
                    d.op(), d.day()));
            case SearchKey.Sent s -> Tri.MAYBE;
            case SearchKey.Header hd -> Tri.MAYBE;
            case SearchKey.Body b -> Tri.MAYBE;
            case SearchKey.Text x -> Tri.MAYBE;
            case SearchKey.Not n -> switch (index(n.key(), t, r, zone)) {
                case YES -> Tri.NO;
                case NO -> Tri.YES;
                case MAYBE -> Tri.MAYBE;
            };
            case SearchKey.Or o -> {
                Tri a = index(o.a(), t, r, zone);
                yield a == Tri.YES ? Tri.YES : or(a, index(o.b(), t, r, zone));
            }
            case SearchKey.And and -> {
                Tri v = Tri.YES;
                for (SearchKey k : and.keys()) {
                    Tri x = index(k, t, r, zone);
                    if (x == Tri.NO) {
                        yield Tri.NO;
                    }
                    if (x == Tri.MAYBE) {
                        v = Tri.MAYBE;
                    }
                }
                yield v;
            }
        };
    }

    private static Tri of(boolean b) {
        return b ? Tri.YES : Tri.NO;
    }

    private static Tri or(Tri a, Tri b) {
        if (a == Tri.YES || b == Tri.YES) {
            return Tri.YES;
        }
        return a == Tri.MAYBE || b == Tri.MAYBE ? Tri.MAYBE : Tri.NO;
    }

    private static boolean compare(LocalDate date, SearchKey.DateOp op, LocalDate day) {
        return switch (op) {
            case BEFORE -> date.isBefore(day);
            case ON -> date.equals(day);
            case SINCE -> !date.isBefore(day);
        };
    }

    /** Decides a key for one message, reading its structure and text as needed. */
    private boolean message(MaildirStore store, FolderHandle h, long validity, long uid, SearchKey key, ZoneId zone)
            throws StoreException {
        Message m = new Message(store, h, validity, uid);
        return eval(key, m, zone);
    }

    /** One message being searched: its index row is re-read lazily, structure and text on demand. */
    private final class Message {
        private final MaildirStore store;
        private final FolderHandle h;
        private final long validity;
        private final long uid;
        private MessageStructure structure;
        private boolean gone;

        Message(MaildirStore store, FolderHandle h, long validity, long uid) {
            this.store = store;
            this.h = h;
            this.validity = validity;
            this.uid = uid;
        }

        MessageStructure structure() throws StoreException {
            if (structure == null && !gone) {
                structure = store.structure(h, validity, uid);
                gone = structure == null;
            }
            return structure;
        }

        boolean text(String text, boolean withHeader) throws StoreException {
            MessageStructure s = structure();
            if (s == null) {
                return false;
            }
            long size = h.call(f -> f.size(validity, uid));
            if (size < 0) {
                return false;
            }
            try {
                return structures.textMatches(new StoredContent(h, uid, size), s, text, withHeader);
            } catch (java.nio.file.NoSuchFileException e) {
                return false; // expunged meanwhile
            } catch (IOException e) {
                throw new StoreException("cannot search message " + uid + ": " + e.getMessage(), true, e);
            }
        }

        boolean index(SearchKey key, ZoneId zone) throws StoreException {
            boolean[] v = new boolean[1];
            h.call(f -> {
                f.scan(validity, UidSet.of(uid), (t, r) -> {
                    v[0] = Search.index(key, t, r, zone) == Tri.YES;
                    return false;
                }, u -> { });
                return null;
            });
            return v[0];
        }
    }

    private boolean eval(SearchKey key, Message m, ZoneId zone) throws StoreException {
        switch (key) {
            case SearchKey.Sent s -> {
                MessageStructure st = m.structure();
                LocalDate d = st == null ? null : sentDay(st);
                return d != null && compare(d, s.op(), s.day());
            }
            case SearchKey.Header hd -> {
                MessageStructure st = m.structure();
                return st != null && structures.headerMatches(st, hd);
            }
            case SearchKey.Body b -> {
                return m.text(b.text(), false);
            }
            case SearchKey.Text x -> {
                return m.text(x.text(), true);
            }
            case SearchKey.Not n -> {
                return !eval(n.key(), m, zone);
            }
            case SearchKey.Or o -> {
                return eval(o.a(), m, zone) || eval(o.b(), m, zone);
            }
            case SearchKey.And and -> {
                for (SearchKey k : and.keys()) {
                    if (!eval(k, m, zone)) {
                        return false;
                    }
                }
                return true;
            }
            default -> {
                return m.index(key, zone);
            }
        }
    }

    /** The day of the Date header in its own zone (RFC 3501: disregarding time and timezone). */
    static LocalDate sentDay(MessageStructure s) {
        String raw = s.envelope() == null ? null : s.envelope().date();
        if (raw != null) {
            String v = raw.replaceAll("\\([^()]*\\)", " ").trim().replaceAll("\\s+", " ");
            try {
                return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT))
                        .toLocalDate();
            } catch (RuntimeException e) {
                // below
            }
        }
        return s.sentDate() == null ? null : s.sentDate().atZone(ZoneOffset.UTC).toLocalDate();
    }
}
