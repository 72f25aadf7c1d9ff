package org.postrider.imap.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.BodyPart;
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
 * FETCH and UID FETCH (RFC 9051 6.4.5, CONDSTORE's CHANGEDSINCE and MODSEQ): index data from
 * the store's message list, ENVELOPE and BODYSTRUCTURE from its cached structure, sections by
 * the structure's byte offsets, so a part or a range is read without the rest of the file.
 * A non-PEEK body section sets \Seen first (RFC 9051 6.4.5).
 */
public final class Fetch implements ImapCommand {
    static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z",
            Locale.ROOT);

    @Override
    public String name() {
        return "FETCH";
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        FetchRequest f = FetchParser.parse(r.args(), r.uid(), SequenceSet.DEFAULT_MAX_RANGES);
        if (f.vanished() && !s.qresync()) {
            throw new ImapSyntaxException("VANISHED needs ENABLE QRESYNC first");
        }
        Selected sel = s.selected();
        UidSet uids = s.resolve(f.set(), r.uid());
        MailStore store = s.store();
        if (f.vanished()) { // RFC 7162 3.2.6: before the FETCH responses
            UidSet asked = f.set().resolve(sel.lastUid() == 0 ? 1 : sel.lastUid(), UidSet.empty());
            Vanished.tellEarlier(s, Vanished.earlier(sel, store.changesSince(sel.ref(), f.changedSince()).vanished(),
                    asked, 0));
        }
        boolean setsSeen = !sel.readOnly() && f.items().stream().anyMatch(Fetch::setsSeen);
        if (setsSeen) {
            store.changeFlags(sel.ref(), uids, FlagChange.ADD, Set.of(Flag.SEEN), Set.of(), -1);
        }
        List<MessageMeta> metas = store.messages(sel.ref(), uids);
        boolean flagsSent = f.items().contains(FetchItem.Simple.FLAGS);
        java.util.Map<Long, Long> told = new java.util.HashMap<>();
        for (MessageMeta m : metas) {
            if (f.changedSince() >= 0 && m.modSeq() <= f.changedSince()) {
                continue;
            }
            int n = sel.number(m.uid());
            if (n == 0) {
                continue;
            }
            ResponseWriter w = new ResponseWriter(s.utf8());
            w.raw("* " + n + " FETCH (");
            boolean first = true;
            List<FetchItem> items = new ArrayList<>(f.items());
            boolean hasUid = items.contains(FetchItem.Simple.UID);
            if (r.uid() && !hasUid) {
                w.raw("UID " + m.uid());
                first = false;
            }
            MessageStructure st = null;
            for (FetchItem item : items) {
                if (!first) {
                    w.sp();
                }
                first = false;
                if (needsStructure(item) && st == null) {
                    st = store.structure(sel.ref(), m.uid());
                }
                item(s, w, item, m, st, store, sel);
            }
            if (f.changedSince() >= 0 && !items.contains(FetchItem.Simple.MODSEQ)) {
                w.raw(" MODSEQ (" + m.modSeq() + ")");
            }
            w.raw(")\r\n");
            s.write(w.toByteArray());
            if (flagsSent) {
                told.put(m.uid(), m.modSeq());
            }
        }
        s.sync(r.uid(), told);
        s.reply(r.tag() + " OK FETCH completed");
    }

    private static boolean setsSeen(FetchItem i) {
        return (i instanceof FetchItem.Simple x && x.setsSeen()) || (i instanceof FetchItem.BodySection b && !b.peek())
                || (i instanceof FetchItem.Binary bin && !bin.peek());
    }

    private static boolean needsStructure(FetchItem i) {
        return i == FetchItem.Simple.ENVELOPE || i == FetchItem.Simple.BODYSTRUCTURE || i == FetchItem.Simple.BODY
                || i instanceof FetchItem.BodySection || i == FetchItem.Simple.RFC822_HEADER
                || i == FetchItem.Simple.RFC822_TEXT;
    }

    private static void item(ImapSession s, ResponseWriter w, FetchItem item, MessageMeta m, MessageStructure st,
            MailStore store, Selected sel) throws IOException, StoreException, ImapSyntaxException {
        w.raw(item.responseName()).sp();
        switch (item) {
            case FetchItem.Simple x -> {
                switch (x) {
                    case UID -> w.number(m.uid());
                    case FLAGS -> w.raw("(" + ImapSession.flags(m, sel) + ")");
                    case MODSEQ -> w.raw("(" + m.modSeq() + ")");
                    case INTERNALDATE -> w.string(INTERNALDATE.format(m.internalDate().atZone(ZoneId.systemDefault())));
                    case RFC822_SIZE -> w.number(m.size());
                    case ENVELOPE -> StructureWriter.envelope(w, st == null ? null : st.envelope());
                    case BODYSTRUCTURE -> structure(w, st, true);
                    case BODY -> structure(w, st, false);
                    case RFC822 -> w.literal(read(store, sel, m, 0, m.size()));
                    case RFC822_HEADER -> w.literal(read(store, sel, m, 0, st == null ? 0 : st.body().bodyOffset()));
                    case RFC822_TEXT -> w.literal(st == null ? new byte[0]
                            : read(store, sel, m, st.body().bodyOffset(), m.size() - st.body().bodyOffset()));
                    default -> w.nil();
                }
            }
            case FetchItem.BodySection b -> {
                byte[] data = section(store, sel, m, st, b.section());
                if (b.offset() >= 0) {
                    int from = (int) Math.min(b.offset(), data.length);
                    int to = (int) Math.min(data.length, from + Math.min(b.length(), Integer.MAX_VALUE));
                    data = java.util.Arrays.copyOfRange(data, from, to);
                }
                w.literal(data);
            }
            default -> throw new ImapSyntaxException("BINARY is not supported yet");
        }
    }

    private static void structure(ResponseWriter w, MessageStructure st, boolean extensible) {
        if (st == null) {
            w.raw("(\"text\" \"plain\" NIL NIL NIL \"7BIT\" 0 0)");
        } else {
            StructureWriter.body(w, st, extensible);
        }
    }

    /** The octets of a section, by the structure's offsets (header fields filtered from the header's octets). */
    private static byte[] section(MailStore store, Selected sel, MessageMeta m, MessageStructure st,
            FetchItem.Section sec) throws IOException, StoreException {
        if (st == null) {
            return new byte[0];
        }
        int[] path = sec.part().stream().mapToInt(Integer::intValue).toArray();
        BodyPart p = path.length == 0 ? null : st.part(path);
        if (path.length > 0 && p == null) {
            return new byte[0];
        }
        // The message whose HEADER or TEXT is asked for: the top one, or the one a message/rfc822 part holds.
        BodyPart msg = path.length == 0 ? st.body() : p.message();
        long headerStart = path.length == 0 ? 0 : msg == null ? -1 : msg.headerOffset();
        return switch (sec.kind()) {
            case WHOLE -> path.length == 0 ? read(store, sel, m, 0, m.size())
                    : read(store, sel, m, p.bodyOffset(), p.size());
            case MIME -> p == null ? new byte[0] : read(store, sel, m, p.headerOffset(), p.bodyOffset() - p.headerOffset());
            case HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT -> {
                if (msg == null) {
                    yield new byte[0];
                }
                byte[] h = read(store, sel, m, headerStart, msg.bodyOffset() - headerStart);
                yield sec.kind() == FetchItem.Section.Kind.HEADER ? h
                        : HeaderFields.filter(h, sec.fields(), sec.kind() == FetchItem.Section.Kind.HEADER_FIELDS_NOT);
            }
            case TEXT -> msg == null ? new byte[0] : read(store, sel, m, msg.bodyOffset(), msg.size());
        };
    }

    /** At most 2 GiB of a message in one response item (the store's APPEND limit keeps far below). */
    private static byte[] read(MailStore store, Selected sel, MessageMeta m, long offset, long length)
            throws IOException, StoreException {
        MessageContent c = store.content(sel.ref(), m.uid());
        if (c == null || length <= 0) {
            return new byte[0];
        }
        try (InputStream in = c.open(offset, Math.min(length, Integer.MAX_VALUE - 16))) {
            return in.readAllBytes();
        }
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
