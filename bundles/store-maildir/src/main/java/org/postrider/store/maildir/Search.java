package org.postrider.store.maildir;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.api.store.UidValidityChangedException;
import org.postrider.kit.mime.DateParser;

/**
 * IMAP SEARCH over a folder in two passes: the index decides every key it can (flags, sizes,
 * dates, MODSEQ, UIDs) for all messages under the folder's lock, leaving "maybe" where a
 * key needs the message; then each "maybe" is decided from its cached structure (header
 * keys, sent date) or by streaming its text (body keys), one message at a time, outside the
 * lock. The cached structures are read a batch at a time through one open cache file and a
 * buffer read ahead; header and date keys are matched on a record's octets without decoding
 * it ({@link Structures#headerMatcher}), so only body keys and messages not yet cached open
 * a message file.
 */
final class Search {
    private enum Tri { YES, NO, MAYBE }

    /** Messages whose cache positions are taken under one lock, their records read through one open file. */
    static final int BATCH = 1024;

    private final Structures structures;

    /** For tests: told "search-batch" once a batch's messages are found, before any is decided (lock released). */
    static volatile MaildirFolder.Step step = MaildirFolder.Step.NONE;

    Search(Structures structures) {
        this.structures = structures;
    }

    UidSet run(MaildirStore store, FolderHandle h, long validity, SearchKey key, UidSet within)
            throws StoreException {
        ZoneId zone = ZoneId.systemDefault();
        Uids maybe = new Uids();
        UidSet.Builder all = new UidSet.Builder();
        boolean sizes = readsSize(key);
        h.call(f -> {
            f.scan(validity, within, sizes, (t, r) -> {
                Tri v = index(key, t, r, zone);
                if (v == Tri.MAYBE) {
                    maybe.add(t.uid(r));
                }
                return v != Tri.NO;
            }, all::add);
            return null;
        });
        UidSet candidates = all.build();
        if (maybe.n == 0) {
            return candidates;
        }
        Uids rejected = new Run(store, h, validity, zone).decide(key, maybe);
        UidSet.Builder yes = new UidSet.Builder();
        int j = 0;
        for (int i = 0; i < candidates.rangeCount(); i++) { // the candidates less the rejected, both in order
            long from = candidates.rangeFrom(i);
            long to = candidates.rangeTo(i);
            for (; j < rejected.n && rejected.a[j] <= to; j++) {
                yes.addRange(from, rejected.a[j] - 1);
                from = rejected.a[j] + 1;
            }
            yes.addRange(from, to);
        }
        return yes.build();
    }

    /** UIDs in ascending order, without a box each. */
    private static final class Uids {
        long[] a = new long[64];
        int n;

        void add(long uid) {
            if (n == a.length) {
                a = Arrays.copyOf(a, 2 * n);
            }
            a[n++] = uid;
        }
    }

    /** Whether a key compares sizes (LARGER, SMALLER): then the sizes not counted yet are counted first. */
    private static boolean readsSize(SearchKey key) {
        return switch (key) {
            case SearchKey.Larger l -> true;
            case SearchKey.Smaller s -> true;
            case SearchKey.Not n -> readsSize(n.key());
            case SearchKey.Or o -> readsSize(o.a()) || readsSize(o.b());
            case SearchKey.And and -> and.keys().stream().anyMatch(Search::readsSize);
            default -> false;
        };
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

    /** One search's second pass: the "maybe" messages decided a batch at a time. */
    private final class Run {
        private final MaildirStore store;
        private final FolderHandle h;
        private final long validity;
        private final ZoneId zone;
        /** Each HEADER key of the criteria made ready once for all messages. */
        private final Map<SearchKey.Header, Structures.EncodedMatcher> matchers = new IdentityHashMap<>();

        Run(MaildirStore store, FolderHandle h, long validity, ZoneId zone) {
            this.store = store;
            this.h = h;
            this.validity = validity;
            this.zone = zone;
        }

        /** The messages of {@code maybe} that {@code key} does not match, in order. */
        Uids decide(SearchKey key, Uids maybe) throws StoreException {
            Uids rejected = new Uids();
            long[] positions = new long[Math.min(BATCH, maybe.n)];
            MessageFile[] files = readsText(key) ? new MessageFile[positions.length] : null;
            for (int from = 0; from < maybe.n; from += BATCH) {
                int to = Math.min(maybe.n, from + BATCH);
                int start = from;
                try (StructureCache.Reader cache = h.call(f -> f.cachedStructures(validity, maybe.a, start, to,
                        positions, files))) {
                    step.at("search-batch");
                    // in the order of their records (cached in any order: FETCH caches what it is asked
                    // for), so that the reader's buffer moves forward only
                    long[] order = new long[to - from];
                    for (int i = 0; i < order.length; i++) {
                        order[i] = (positions[i] + 2) * BATCH + i; // positions are -2 or more
                    }
                    Arrays.sort(order);
                    boolean[] no = new boolean[order.length];
                    for (long o : order) {
                        int i = (int) (o % BATCH);
                        no[i] = !eval(key, new Message(this, maybe.a[from + i], cache, positions[i],
                                files == null ? null : files[i]));
                    }
                    for (int i = 0; i < no.length; i++) {
                        if (no[i]) {
                            rejected.add(maybe.a[from + i]);
                        }
                    }
                } catch (IOException e) {
                    throw new StoreException("cannot search " + h.name() + ": " + e.getMessage(), true, e);
                }
            }
            return rejected;
        }

        /** Whether a key of the criteria reads a message's text (then the batch finds the files too). */
        private static boolean readsText(SearchKey key) {
            return switch (key) {
                case SearchKey.Body b -> true;
                case SearchKey.Text x -> true;
                case SearchKey.Not n -> readsText(n.key());
                case SearchKey.Or o -> readsText(o.a()) || readsText(o.b());
                case SearchKey.And and -> and.keys().stream().anyMatch(Run::readsText);
                default -> false;
            };
        }

        private boolean eval(SearchKey key, Message m) throws StoreException {
            switch (key) {
                case SearchKey.Sent s -> {
                    LocalDate d = m.sentDay();
                    return d != null && compare(d, s.op(), s.day());
                }
                case SearchKey.Header hd -> {
                    return m.header(hd);
                }
                case SearchKey.Body b -> {
                    return m.text(b.text(), false);
                }
                case SearchKey.Text x -> {
                    return m.text(x.text(), true);
                }
                case SearchKey.Not n -> {
                    return !eval(n.key(), m);
                }
                case SearchKey.Or o -> {
                    return eval(o.a(), m) || eval(o.b(), m);
                }
                case SearchKey.And and -> {
                    for (SearchKey k : and.keys()) {
                        if (!eval(k, m)) {
                            return false;
                        }
                    }
                    return true;
                }
                default -> {
                    return m.index(key);
                }
            }
        }
    }

    /**
     * One message being decided: its cache record read from the batch's reader when a key
     * needs it, its structure decoded (or parsed from the file, when not cached) only for
     * body keys or a damaged record, its index row read again for index keys under NOT or OR.
     */
    private final class Message {
        private final Run run;
        private final long uid;
        private final StructureCache.Reader cache;
        private final long pos;
        /** The message's file as the batch found it, or null (not looked up, or expunged). */
        private final MessageFile file;
        /** 0: not read yet; 1: the record lies in the reader's buffer; -1: none to be had. */
        private int record;
        private MessageStructure structure;
        private boolean gone;

        Message(Run run, long uid, StructureCache.Reader cache, long pos, MessageFile file) {
            this.run = run;
            this.uid = uid;
            this.cache = cache;
            this.pos = pos;
            this.file = file;
            this.gone = pos == MaildirFolder.EXPUNGED;
        }

        /** Whether the cache record is at hand (in the reader's buffer until the next message reads). */
        private boolean record() {
            if (record == 0) {
                try {
                    record = !gone && cache != null && pos >= 0 && cache.read(pos, uid) ? 1 : -1;
                } catch (IOException e) {
                    record = -1; // the store reads it again, or parses the file
                }
            }
            return record == 1;
        }

        MessageStructure structure() throws StoreException {
            if (structure == null && !gone) {
                if (record()) {
                    try {
                        return structure = structures.decode(cache.data, cache.offset, cache.length);
                    } catch (IOException e) {
                        record = -1; // damaged: parsed again below, and cached anew
                    }
                }
                structure = run.store.structure(run.h, run.validity, uid);
                gone = structure == null;
            }
            return structure;
        }

        boolean header(SearchKey.Header key) throws StoreException {
            if (record()) {
                try {
                    return run.matchers.computeIfAbsent(key, structures::headerMatcher)
                            .matches(cache.data, cache.offset, cache.length);
                } catch (IOException e) {
                    record = -1;
                }
            }
            MessageStructure st = structure();
            return st != null && structures.headerMatches(st, key);
        }

        LocalDate sentDay() throws StoreException {
            if (record()) {
                try {
                    Structures.Dates d = structures.dates(cache.data, cache.offset, cache.length);
                    return Search.sentDay(d.header(), d.sent());
                } catch (IOException e) {
                    record = -1;
                }
            }
            MessageStructure st = structure();
            return st == null ? null : Search.sentDay(st);
        }

        boolean text(String text, boolean withHeader) throws StoreException {
            MessageStructure s = null;
            BodyPart body = null;
            if (!withHeader && structure == null && record()) {
                try {
                    body = structures.body(cache.data, cache.offset, cache.length); // BODY needs no header field
                } catch (IOException e) {
                    record = -1;
                }
            }
            if (body == null) {
                s = structure();
                if (s == null) {
                    return false;
                }
                body = s.body();
            }
            long size = file != null ? file.size() : run.h.call(f -> f.size(run.validity, uid));
            if (size < 0) {
                return false;
            }
            try {
                StoredContent stored = new StoredContent(run.h, run.validity, uid, size);
                MessageContent content = file == null ? stored : new LocatedContent(file, stored);
                return withHeader ? structures.textMatches(content, s, text, true)
                        : structures.bodyMatches(content, body, text);
            } catch (java.nio.file.NoSuchFileException e) {
                return false; // expunged meanwhile
            } catch (IOException e) {
                if (e.getCause() instanceof UidValidityChangedException u) {
                    throw u; // as the structure's read of the same search does: the folder is another now
                }
                throw new StoreException("cannot search message " + uid + ": " + e.getMessage(), true, e);
            }
        }

        boolean index(SearchKey key) throws StoreException {
            boolean[] v = new boolean[1];
            run.h.call(f -> {
                f.scan(run.validity, UidSet.of(uid), readsSize(key), (t, r) -> {
                    v[0] = Search.index(key, t, r, run.zone) == Tri.YES;
                    return false;
                }, u -> { });
                return null;
            });
            return v[0];
        }
    }

    /** The day of the Date header in its own zone (RFC 3501: disregarding time and timezone). */
    static LocalDate sentDay(MessageStructure s) {
        return sentDay(s.envelope() == null ? null : s.envelope().date(), s.sentDate());
    }

    /**
     * As {@link #sentDay(MessageStructure)}, of the Date field as written and the date parsed
     * from it: the day written, read as leniently as the parsed date (obsolete zone names,
     * two-digit years); only a field not read so is taken at the parsed date's day in UTC.
     */
    static LocalDate sentDay(String raw, Instant sent) {
        OffsetDateTime written = DateParser.written(raw);
        if (written != null) {
            return written.toLocalDate();
        }
        return sent == null ? null : sent.atZone(ZoneOffset.UTC).toLocalDate();
    }
}
