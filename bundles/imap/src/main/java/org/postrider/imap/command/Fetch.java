package org.postrider.imap.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.FetchItem;
import org.postrider.imap.parse.FetchParser;
import org.postrider.imap.parse.FetchRequest;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ResponseWriter;
import org.postrider.imap.parse.SequenceSet;
import org.postrider.imap.parse.StructureWriter;

/**
 * FETCH and UID FETCH (RFC 9051 6.4.5, CONDSTORE's CHANGEDSINCE and MODSEQ, RFC 3516 BINARY):
 * index data from the store's message list, ENVELOPE and BODYSTRUCTURE from its cached
 * structure, sections by the structure's byte offsets ({@link BodySections}), so a part or a
 * range is read without the rest of the file. Responses go out item by item and literals a
 * buffer at a time: a FETCH holds a bounded amount of memory whatever the messages' sizes and
 * the number of items. A non-PEEK body section sets \Seen first (RFC 9051 6.4.5).
 */
public final class Fetch implements ImapCommand {
    static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z",
            Locale.ROOT);

    @Override
    public String name() {
        return "FETCH";
    }

    @Override
    public boolean takesUid() {
        return true;
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    /**
     * Items read through a filter or decoder (BINARY, HEADER.FIELDS): each costs two passes over
     * its part per message whatever its partial, so one FETCH may hold only a few, and the work
     * of a command stays a small multiple of the octets of the messages it names.
     */
    static final int MAX_DECODED_ITEMS = 16;

    static boolean decoded(FetchItem i) {
        return i instanceof FetchItem.Binary || i instanceof FetchItem.BinarySize
                || i instanceof FetchItem.BodySection b && (b.section().kind() == FetchItem.Section.Kind.HEADER_FIELDS
                        || b.section().kind() == FetchItem.Section.Kind.HEADER_FIELDS_NOT);
    }

    @Override
    public String capability(ImapSession s) {
        return "BINARY"; // RFC 3516: BINARY[], BINARY.PEEK[], BINARY.SIZE[] and literal8 in responses
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        FetchRequest f = FetchParser.parse(r.args(), r.uid(), SequenceSet.DEFAULT_MAX_RANGES);
        if (f.items().stream().filter(Fetch::decoded).count() > MAX_DECODED_ITEMS) {
            throw new ImapSyntaxException("at most " + MAX_DECODED_ITEMS + " BINARY and HEADER.FIELDS items in one FETCH");
        }
        if (f.vanished() && !s.qresync()) {
            throw new ImapSyntaxException("VANISHED needs ENABLE QRESYNC first");
        }
        if (f.changedSince() >= 0 || f.items().contains(FetchItem.Simple.MODSEQ)) {
            s.enableCondstore(); // RFC 7162 3.1: FETCH with MODSEQ or CHANGEDSINCE is an enabling command
        }
        Selected sel = s.selected();
        UidSet uids = s.resolve(f.set(), r.uid());
        MailStore store = s.store();
        if (f.vanished()) { // RFC 7162 3.2.6: before the FETCH responses
            UidSet asked = f.set().resolve(sel.lastUid() == 0 ? 1 : sel.lastUid(), sel.saved());
            UidSet vanished = store.changesSince(sel.ref(), f.changedSince(), false).vanished();
            Vanished.tellEarlier(s, Vanished.earlier(sel, vanished, asked, 0));
        }
        boolean setsSeen = !sel.readOnly() && f.items().stream().anyMatch(Fetch::setsSeen);
        if (setsSeen) {
            store.changeFlags(sel.ref(), uids, FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        }
        List<FetchItem> items = f.items();
        boolean flagsSent = items.contains(FetchItem.Simple.FLAGS);
        boolean structure = items.stream().anyMatch(Fetch::needsStructure);
        boolean bodies = items.stream().anyMatch(Fetch::readsContent);
        boolean hasUid = items.contains(FetchItem.Simple.UID);
        boolean sizes = items.contains(FetchItem.Simple.RFC822_SIZE); // else a size not counted yet stays so
        // What is the same for every message made once: the items and their names as octets.
        FetchItem[] each = items.toArray(FetchItem[]::new);
        byte[][] names = new byte[each.length][];
        for (int i = 0; i < each.length; i++) {
            names[i] = (each[i].responseName() + " ").getBytes(StandardCharsets.ISO_8859_1);
        }
        // flag changes this command reports need no update after it: those newer than the session knows
        java.util.Map<Long, Long> told = new java.util.HashMap<>();
        // RFC 7162 3.1: with CONDSTORE on, a FETCH that sets \Seen answers with UID and MODSEQ, FLAGS asked or not
        boolean seenTold = s.condstore() && setsSeen;
        boolean modSeqAdded = (f.changedSince() >= 0 || seenTold) && !items.contains(FetchItem.Simple.MODSEQ);
        FetchResponse out = new FetchResponse(sink(s), s.utf8());
        try {
            for (UidSet piece : pieces(uids, PIECE)) { // index data a piece at a time: memory bounded whatever the set
                for (MessageMeta m : store.messages(sel.ref(), piece, sizes)) {
                    if (f.changedSince() >= 0 && m.modSeq() <= f.changedSince()) {
                        continue;
                    }
                    int n = sel.number(m.uid());
                    if (n == 0) {
                        continue;
                    }
                    MessageStructure st = structure ? store.structure(sel.ref(), m.uid()) : null;
                    java.util.Map<FetchItem, Octets> octets = null;
                    try {
                        octets = bodies ? bodies(items, st, store, sel, m) : null;
                    } catch (BodySections.UnknownCte e) {
                        out.finish();
                        s.reply(r.tag() + " NO [UNKNOWN-CTE] " + e.getMessage());
                        return;
                    }
                    respond(out, n, m, st, octets, each, names, (r.uid() || seenTold) && !hasUid, modSeqAdded, sel);
                    if (flagsSent && m.modSeq() > sel.modSeq()) {
                        told.put(m.uid(), m.modSeq());
                    }
                }
            }
        } catch (StoreException e) {
            out.finish(); // the responses made before the one that failed, then its NO
            throw e;
        }
        out.finish();
        s.sync(r.uid(), told);
        s.reply(r.tag() + " OK FETCH completed");
    }

    /**
     * One message's response, in a method of its own: called for every message, it is compiled
     * as soon as a first FETCH of a large folder has called it some thousand times, where the
     * same code inside the command's loop waited for the whole command to be compiled.
     */
    private static void respond(FetchResponse out, int n, MessageMeta m, MessageStructure st,
            java.util.Map<FetchItem, Octets> octets, FetchItem[] each, byte[][] names, boolean uidFirst,
            boolean modSeqAdded, Selected sel) throws IOException, StoreException {
        ResponseWriter w = out.writer();
        out.next();
        w.raw(STAR).number(n).raw(FETCH_OPEN);
        boolean first = true;
        if (uidFirst) {
            w.raw(UID).number(m.uid());
            first = false;
        }
        for (int i = 0; i < each.length; i++) {
            if (!first) {
                w.sp();
            }
            first = false;
            w.raw(names[i]);
            item(out, each[i], m, st, octets == null ? null : octets.get(each[i]), sel);
            out.itemDone(); // sent a buffer at a time: a response is never gathered whole
        }
        if (modSeqAdded) {
            w.raw(MODSEQ).number(m.modSeq()).put(')');
        }
        out.end();
    }

    private static final byte[] MODSEQ = " MODSEQ (".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STAR = "* ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FETCH_OPEN = " FETCH (".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UID = "UID ".getBytes(StandardCharsets.US_ASCII);

    /** Messages whose index data is read at once. */
    static final int PIECE = 4096;

    /** The UIDs of {@code set} in ascending pieces of at most {@code max}. */
    static List<UidSet> pieces(UidSet set, int max) {
        List<UidSet> out = new ArrayList<>();
        UidSet.Builder b = new UidSet.Builder();
        long in = 0;
        for (int i = 0; i < set.rangeCount(); i++) {
            long from = set.rangeFrom(i);
            long to = set.rangeTo(i);
            while (from <= to) {
                long take = Math.min(to - from + 1, max - in);
                b.addRange(from, from + take - 1);
                in += take;
                from += take;
                if (in == max) {
                    out.add(b.build());
                    b = new UidSet.Builder();
                    in = 0;
                }
            }
        }
        if (in > 0) {
            out.add(b.build());
        }
        return out;
    }

    /** Items whose octets come from the message's content. */
    private static boolean readsContent(FetchItem i) {
        return !(i instanceof FetchItem.Simple x) || x == FetchItem.Simple.RFC822 || x == FetchItem.Simple.RFC822_HEADER
                || x == FetchItem.Simple.RFC822_TEXT;
    }

    private static boolean setsSeen(FetchItem i) {
        return (i instanceof FetchItem.Simple x && x.setsSeen()) || (i instanceof FetchItem.BodySection b && !b.peek())
                || (i instanceof FetchItem.Binary bin && !bin.peek());
    }

    /** Items that read the message's structure: all but index data and the whole message. */
    private static boolean needsStructure(FetchItem i) {
        return switch (i) {
            case FetchItem.Simple x -> x == FetchItem.Simple.ENVELOPE || x == FetchItem.Simple.BODYSTRUCTURE
                    || x == FetchItem.Simple.BODY || x == FetchItem.Simple.RFC822_HEADER
                    || x == FetchItem.Simple.RFC822_TEXT;
            case FetchItem.BodySection b -> !b.section().part().isEmpty()
                    || b.section().kind() != FetchItem.Section.Kind.WHOLE;
            case FetchItem.Binary b -> !b.part().isEmpty();
            case FetchItem.BinarySize b -> !b.part().isEmpty();
        };
    }

    /**
     * Where each body item's octets lie, found before the message's response begins (so an
     * encoding BINARY cannot undo is answered with NO, not in the middle of a response); the
     * octets are read only as they are sent.
     */
    private static java.util.Map<FetchItem, Octets> bodies(List<FetchItem> items, MessageStructure st,
            MailStore store, Selected sel, MessageMeta m) throws StoreException, BodySections.UnknownCte {
        java.util.Map<FetchItem, Octets> bodies = new java.util.HashMap<>();
        MessageContent c = null;
        boolean opened = false;
        for (FetchItem item : items) {
            if (bodies.containsKey(item) || !readsContent(item)) {
                continue;
            }
            if (!opened) {
                c = store.content(sel.ref(), m.uid());
                opened = true;
            }
            Octets o = switch (item) {
                case FetchItem.Simple x -> x == FetchItem.Simple.RFC822 ? BodySections.whole(c)
                        : x == FetchItem.Simple.RFC822_HEADER ? BodySections.header(c, st) : BodySections.text(c, st);
                case FetchItem.BodySection b -> {
                    Octets whole = BodySections.section(c, st, b.section());
                    yield b.offset() < 0 ? whole : whole.window(b.offset(), b.length());
                }
                case FetchItem.Binary b -> {
                    Octets whole = BodySections.binary(c, st, b.part());
                    yield b.offset() < 0 ? whole : whole.window(b.offset(), b.length());
                }
                case FetchItem.BinarySize b -> BodySections.binary(c, st, b.part());
            };
            bodies.put(item, o);
        }
        return bodies;
    }

    /** An item's value, its name written already. */
    private static void item(FetchResponse out, FetchItem item, MessageMeta m, MessageStructure st,
            Octets body, Selected sel) throws IOException, StoreException {
        ResponseWriter w = out.writer();
        if (item instanceof FetchItem.Simple x) { // the items of every message, before a type switch's call
            switch (x) {
                case UID -> w.number(m.uid());
                case FLAGS -> {
                    w.open();
                    ImapSession.writeFlags(w, m, sel);
                    w.close();
                }
                case MODSEQ -> w.open().number(m.modSeq()).close();
                case INTERNALDATE -> w.string(INTERNALDATE.format(m.internalDate().atZone(ZoneId.systemDefault())));
                case RFC822_SIZE -> w.number(m.size());
                case ENVELOPE -> StructureWriter.envelope(w, st == null ? null : st.envelope());
                case BODYSTRUCTURE -> structure(w, st, true);
                case BODY -> structure(w, st, false);
                case RFC822, RFC822_HEADER, RFC822_TEXT -> out.literal(body, false);
                default -> w.nil();
            }
            return;
        }
        switch (item) {
            case FetchItem.Simple x -> throw new IllegalStateException("answered above");
            case FetchItem.BodySection b -> out.literal(body, false);
            case FetchItem.Binary b -> out.literal(body, true);
            case FetchItem.BinarySize b -> w.number(out.binarySize(body));
        }
    }

    /** The session's connection as a FETCH response's destination. */
    private static FetchResponse.Sink sink(ImapSession s) {
        return new FetchResponse.Sink() {
            @Override
            public void write(byte[] bytes) throws IOException {
                s.write(bytes);
            }

            @Override
            public void write(byte[] bytes, int length) throws IOException {
                s.connection().write(bytes, 0, length);
            }

            @Override
            public java.io.OutputStream output() {
                return s.connection().output();
            }
        };
    }

    private static void structure(ResponseWriter w, MessageStructure st, boolean extensible) {
        if (st == null) {
            w.raw("(\"text\" \"plain\" NIL NIL NIL \"7BIT\" 0 0)");
        } else {
            StructureWriter.body(w, st, extensible);
        }
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
