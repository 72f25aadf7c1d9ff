package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.SearchContext;
import org.postrider.imap.parse.SearchParser;
import org.postrider.imap.parse.SearchRequest;
import org.postrider.imap.parse.SequenceSet;

/**
 * SEARCH and UID SEARCH (RFC 9051 6.4.4) with ESEARCH's RETURN (RFC 4731): the criteria go to
 * the store, which answers from its index and structure cache and streams only for body keys;
 * message numbers and \Recent are this session's and are turned into UIDs first. SEARCHRES
 * (RFC 5182): RETURN (SAVE) keeps the result as "$" for later commands; a SEARCH with SAVE that
 * fails leaves "$" empty. CONDSTORE (RFC 7162 3.1.5): with a MODSEQ key, a non-empty answer
 * ends with the highest MODSEQ of the messages it returns.
 */
public final class Search implements ImapCommand {
    @Override
    public String name() {
        return "SEARCH";
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
        return "SEARCHRES";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        Selected sel = s.selected();
        if (!asksToSave(r)) {
            search(s, r, sel);
            return;
        }
        boolean done = false;
        try {
            done = search(s, r, sel);
        } finally {
            if (!done) {
                sel.save(UidSet.empty());
            }
        }
    }

    /** Whether it completed (false: refused with a NO, an unsupported charset). */
    private static boolean search(ImapSession s, ImapRequest r, Selected sel)
            throws IOException, ImapSyntaxException, StoreException {
        SearchRequest q;
        try {
            q = new SearchParser(context(sel), 64, SequenceSet.DEFAULT_MAX_RANGES).parse(r.args());
        } catch (ImapSyntaxException e) {
            if (Sort.refusedCharset(s, r, e)) { // a NO, not a BAD (RFC 3501 6.4.4)
                return false;
            }
            throw e;
        }
        boolean modSeq = mentionsModSeq(q.key()); // a non-empty answer tells the MODSEQ (RFC 7162 3.1.5)
        enablesCondstore(s, q.key());
        UidSet found = s.store().search(sel.ref(), q.key(), sel.all());
        Set<SearchRequest.ReturnOption> options = q.returnOptions();
        if (options != null && options.contains(SearchRequest.ReturnOption.SAVE)) {
            sel.save(saved(found, options));
        }
        if (options != null && options.equals(Set.of(SearchRequest.ReturnOption.SAVE))) {
            // SAVE alone: no ESEARCH response (RFC 5182 2.4)
        } else if (q.extended() || s.rev2()) { // IMAP4rev2 answers SEARCH with ESEARCH only
            StringBuilder sb = new StringBuilder("* ESEARCH (TAG \"" + r.tag() + "\")" + (r.uid() ? " UID" : ""));
            UidSet shown = r.uid() ? found : numbers(sel, found);
            if (!shown.isEmpty()) {
                Set<SearchRequest.ReturnOption> o = options == null ? Set.of() : options;
                boolean all = o.isEmpty() || o.contains(SearchRequest.ReturnOption.ALL);
                if (o.contains(SearchRequest.ReturnOption.MIN)) {
                    sb.append(" MIN ").append(shown.first());
                }
                if (o.contains(SearchRequest.ReturnOption.MAX)) {
                    sb.append(" MAX ").append(shown.last());
                }
                if (all) {
                    sb.append(" ALL ").append(shown);
                }
                if (o.contains(SearchRequest.ReturnOption.COUNT)) {
                    sb.append(" COUNT ").append(shown.size());
                }
                if (modSeq) { // of the messages reported: those SAVE would keep (RFC 4731 3.2, RFC 5182 2.4)
                    sb.append(ResultModSeq.extended(ResultModSeq.highest(s.store(), sel, saved(found, o))));
                }
            } else if (options != null && options.contains(SearchRequest.ReturnOption.COUNT)) {
                sb.append(" COUNT 0");
            }
            s.reply(sb.toString());
        } else {
            StringBuilder sb = new StringBuilder("* SEARCH");
            UidSet shown = r.uid() ? found : numbers(sel, found);
            for (long u : shown) {
                sb.append(' ').append(u);
            }
            if (modSeq && !shown.isEmpty()) {
                sb.append(ResultModSeq.plain(ResultModSeq.highest(s.store(), sel, found)));
            }
            s.reply(sb.toString());
        }
        s.sync(r.uid());
        s.reply(r.tag() + " OK SEARCH completed");
        return true;
    }

    /** What SAVE keeps: MIN and/or MAX alone keep only those messages, else the whole result. */
    static UidSet saved(UidSet found, Set<SearchRequest.ReturnOption> options) {
        boolean min = options.contains(SearchRequest.ReturnOption.MIN);
        boolean max = options.contains(SearchRequest.ReturnOption.MAX);
        if (found.isEmpty() || !min && !max || options.contains(SearchRequest.ReturnOption.ALL)
                || options.contains(SearchRequest.ReturnOption.COUNT)) {
            return found;
        }
        UidSet.Builder b = new UidSet.Builder();
        if (min) {
            b.add(found.first());
        }
        if (max) {
            b.add(found.last());
        }
        return b.build();
    }

    /** Whether the command says RETURN (... SAVE ...): known before parsing, so a refused one still empties "$". */
    static boolean asksToSave(ImapRequest r) {
        java.util.List<org.postrider.imap.parse.ImapToken> args = r.args();
        return args.size() > 1 && args.get(0) instanceof org.postrider.imap.parse.ImapToken.Atom a && a.is("RETURN")
                && args.get(1) instanceof org.postrider.imap.parse.ImapToken.ListOf l
                && l.items().stream().anyMatch(t -> t instanceof org.postrider.imap.parse.ImapToken.Atom o && o.is("SAVE"));
    }

    /** A MODSEQ search key anywhere in the criteria enables CONDSTORE (RFC 7162 3.1; SORT and THREAD alike). */
    static void enablesCondstore(ImapSession s, SearchKey key) {
        if (mentionsModSeq(key)) {
            s.enableCondstore();
        }
    }

    /** Whether a MODSEQ key is anywhere in the criteria, negated or not (nesting is bounded by the parser). */
    static boolean mentionsModSeq(SearchKey key) {
        return switch (key) {
            case SearchKey.ModSeq m -> true;
            case SearchKey.Not n -> mentionsModSeq(n.key());
            case SearchKey.Or o -> mentionsModSeq(o.a()) || mentionsModSeq(o.b());
            case SearchKey.And a -> a.keys().stream().anyMatch(Search::mentionsModSeq);
            default -> false;
        };
    }

    /** Message numbers, UIDs and \Recent as this session sees them (SEARCH, SORT, THREAD). */
    static SearchContext context(Selected sel) {
        return new SearchContext() {
            @Override
            public SearchKey messageNumbers(SequenceSet set) {
                if (set.saved()) {
                    return new SearchKey.Uids(sel.saved());
                }
                return new SearchKey.Uids(sel.uidsOf(set.resolve(sel.exists(), UidSet.empty())));
            }

            @Override
            public SearchKey uids(SequenceSet set) {
                if (set.saved()) {
                    return new SearchKey.Uids(sel.saved());
                }
                return new SearchKey.Uids(sel.known(set.resolve(Math.max(1, sel.lastUid()), UidSet.empty())));
            }

            @Override
            public SearchKey recent(boolean recent) {
                UidSet.Builder b = new UidSet.Builder();
                for (long u : sel.all()) {
                    if (sel.recent(u)) {
                        b.add(u);
                    }
                }
                SearchKey k = new SearchKey.Uids(b.build());
                return recent ? k : new SearchKey.Not(k);
            }
        };
    }

    private static UidSet numbers(Selected sel, UidSet uids) {
        UidSet.Builder b = new UidSet.Builder();
        for (long u : uids) {
            int n = sel.number(u);
            if (n > 0) {
                b.add(n);
            }
        }
        return b.build();
    }
}
