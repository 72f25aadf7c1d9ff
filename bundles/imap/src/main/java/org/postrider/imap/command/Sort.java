package org.postrider.imap.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.SearchParser;
import org.postrider.imap.parse.SearchRequest;
import org.postrider.imap.parse.SequenceSet;
import org.postrider.imap.parse.SortParser;
import org.postrider.imap.parse.SortRequest;
import org.postrider.imap.sort.SortOrder;
import org.postrider.imap.sort.SortableMessage;

/**
 * SORT and UID SORT (RFC 5256), with DISPLAYFROM and DISPLAYTO (RFC 5957) and ESORT's RETURN
 * (RFC 5267, answered as ESEARCH). The store finds the messages; their keys come from its
 * index and cached structures, a few short strings per message, and are sorted in memory.
 * With a MODSEQ key a non-empty answer ends with the highest MODSEQ of the messages it
 * returns (RFC 7162 3.1.5 and its sort-data; in ESEARCH form as RFC 4731 3.2 says).
 */
public final class Sort implements ImapCommand {
    @Override
    public String name() {
        return "SORT";
    }

    @Override
    public boolean takesUid() {
        return true;
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public String capability(ImapSession session) {
        return "SORT SORT=DISPLAY ESORT";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        Selected sel = s.selected();
        if (!Search.asksToSave(r)) {
            sort(s, r, sel);
            return;
        }
        boolean done = false;
        try {
            done = sort(s, r, sel);
        } finally {
            if (!done) {
                sel.save(UidSet.empty()); // a failed SORT with SAVE empties "$" (RFC 5182 2.4)
            }
        }
    }

    /** Whether it completed (false: refused with a NO, an unsupported charset). */
    private static boolean sort(ImapSession s, ImapRequest r, Selected sel)
            throws IOException, ImapSyntaxException, StoreException {
        SortRequest q;
        try {
            q = parser(sel).sort(r.args());
        } catch (ImapSyntaxException e) {
            if (refusedCharset(s, r, e)) {
                return false;
            }
            throw e;
        }
        boolean modSeq = Search.mentionsModSeq(q.key()); // a non-empty answer tells the MODSEQ (RFC 7162 3.1.5)
        Search.enablesCondstore(s, q.key());
        MailStore store = s.store();
        UidSet found = store.search(sel.ref(), q.key(), sel.all());
        Set<SortRequest.Key> keys = EnumSet.noneOf(SortRequest.Key.class);
        q.criteria().forEach(c -> keys.add(c.key()));
        boolean structure = SortableMessage.needsStructure(keys);
        List<SortableMessage> messages = new ArrayList<>();
        for (MessageMeta m : store.messages(sel.ref(), found, keys.contains(SortRequest.Key.SIZE))) {
            int n = sel.number(m.uid());
            if (n > 0) {
                messages.add(SortableMessage.of(r.uid() ? m.uid() : n, n, m,
                        structure ? store.structure(sel.ref(), m.uid()) : null, keys));
            }
        }
        messages.sort(SortOrder.of(q.criteria()));
        Set<SearchRequest.ReturnOption> options = q.extended() ? q.returnOptions() : Set.of();
        if (options.contains(SearchRequest.ReturnOption.SAVE)) {
            sel.save(saved(sel, messages, options));
        }
        if (!options.equals(Set.of(SearchRequest.ReturnOption.SAVE))) { // SAVE alone: no ESEARCH
            String answer = q.extended() ? esort(r, q.returnOptions(), messages) : plain(messages);
            if (modSeq && !messages.isEmpty()) {
                long highest = ResultModSeq.highest(messages, options);
                answer += q.extended() ? ResultModSeq.extended(highest) : ResultModSeq.plain(highest);
            }
            s.reply(answer);
        }
        s.sync(r.uid());
        s.reply(r.tag() + " OK SORT completed");
        return true;
    }

    /** What SAVE keeps (RFC 5267 3.3): MIN/MAX alone keep the first/last in sort order, else all. */
    private static UidSet saved(Selected sel, List<SortableMessage> sorted, Set<SearchRequest.ReturnOption> o) {
        boolean min = o.contains(SearchRequest.ReturnOption.MIN);
        boolean max = o.contains(SearchRequest.ReturnOption.MAX);
        List<Long> uids = new ArrayList<>();
        if (!sorted.isEmpty() && (min || max) && !o.contains(SearchRequest.ReturnOption.ALL)
                && !o.contains(SearchRequest.ReturnOption.COUNT)) {
            if (min) {
                uids.add(sel.uid(sorted.get(0).number()));
            }
            if (max) {
                uids.add(sel.uid(sorted.get(sorted.size() - 1).number()));
            }
        } else {
            sorted.forEach(m -> uids.add(sel.uid(m.number())));
        }
        return UidSet.of(uids);
    }

    static SortParser parser(Selected sel) {
        return new SortParser(new SearchParser(Search.context(sel), 64, SequenceSet.DEFAULT_MAX_RANGES));
    }

    /** An unsupported charset is a NO with BADCHARSET (RFC 3501 6.4.4, RFC 5256 4), not a BAD; true when so answered. */
    static boolean refusedCharset(ImapSession s, ImapRequest r, ImapSyntaxException e) throws IOException {
        if (!SearchParser.BADCHARSET.equals(e.code())) {
            return false;
        }
        s.reply(r.tag() + " NO " + e.responseText());
        return true;
    }

    private static String plain(List<SortableMessage> messages) {
        StringBuilder sb = new StringBuilder("* SORT");
        for (SortableMessage m : messages) {
            sb.append(' ').append(m.id());
        }
        return sb.toString();
    }

    /** RFC 5267 3.2: MIN and MAX are the first and last in sort order, ALL the sorted list. */
    private static String esort(ImapRequest r, Set<SearchRequest.ReturnOption> o, List<SortableMessage> messages) {
        StringBuilder sb = new StringBuilder("* ESEARCH (TAG \"" + r.tag() + "\")" + (r.uid() ? " UID" : ""));
        if (!messages.isEmpty()) {
            if (o.contains(SearchRequest.ReturnOption.MIN)) {
                sb.append(" MIN ").append(messages.get(0).id());
            }
            if (o.contains(SearchRequest.ReturnOption.MAX)) {
                sb.append(" MAX ").append(messages.get(messages.size() - 1).id());
            }
            if (o.isEmpty() || o.contains(SearchRequest.ReturnOption.ALL)) {
                sb.append(" ALL ");
                ordered(messages, sb);
            }
        }
        if (o.contains(SearchRequest.ReturnOption.COUNT)) {
            sb.append(" COUNT ").append(messages.size());
        }
        return sb.toString();
    }

    /** The ids in their order as a sequence-set: ascending runs of consecutive ids as "a:b", the rest one by one. */
    static void ordered(List<SortableMessage> messages, StringBuilder sb) {
        int i = 0;
        while (i < messages.size()) {
            long first = messages.get(i).id();
            int j = i;
            while (j + 1 < messages.size() && messages.get(j + 1).id() == messages.get(j).id() + 1) {
                j++;
            }
            if (i > 0) {
                sb.append(',');
            }
            sb.append(first);
            if (j > i) {
                sb.append(':').append(messages.get(j).id());
            }
            i = j + 1;
        }
    }
}
