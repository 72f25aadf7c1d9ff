package org.postrider.imap.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The arguments of SORT and THREAD (RFC 5256 5, RFC 5267 ESORT's RETURN): sort criteria or
 * the thread algorithm, then a mandatory charset and the search criteria, which are
 * {@link SearchParser}'s. An unsupported charset is refused with a BADCHARSET code.
 */
public final class SortParser {
    /** More keys than this is no sort a client means (there are nine keys, each with or without REVERSE). */
    static final int MAX_CRITERIA = 32;

    private final SearchParser search;

    public SortParser(SearchParser search) {
        this.search = search;
    }

    /** Parses the arguments of SORT (or UID SORT) after the command name. */
    public SortRequest sort(List<ImapToken> args) throws ImapSyntaxException {
        ArgReader r = new ArgReader(args);
        Set<SearchRequest.ReturnOption> options = null;
        if (r.peekAtom("RETURN")) {
            r.next();
            options = SearchParser.returnOptions(r.list());
        }
        List<SortRequest.Criterion> criteria = criteria(r.list());
        String charset = SearchParser.charset(r);
        return new SortRequest(criteria, charset, search.criteria(r), options);
    }

    /** Parses the arguments of THREAD (or UID THREAD) after the command name. */
    public ThreadRequest thread(List<ImapToken> args) throws ImapSyntaxException {
        ArgReader r = new ArgReader(args);
        ThreadRequest.Algorithm algorithm;
        try {
            algorithm = ThreadRequest.Algorithm.valueOf(r.atom().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ImapSyntaxException("unknown thread algorithm");
        }
        String charset = SearchParser.charset(r);
        return new ThreadRequest(algorithm, charset, search.criteria(r));
    }

    private static List<SortRequest.Criterion> criteria(ImapToken.ListOf list) throws ImapSyntaxException {
        List<SortRequest.Criterion> out = new ArrayList<>();
        ArgReader r = new ArgReader(list.items());
        if (!r.hasNext()) {
            throw new ImapSyntaxException("missing sort criteria");
        }
        while (r.hasNext()) {
            boolean reverse = false;
            if (r.peekAtom("REVERSE")) {
                r.next();
                reverse = true;
            }
            SortRequest.Key key;
            try {
                key = SortRequest.Key.valueOf(r.atom().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ImapSyntaxException("unknown sort key");
            }
            if (out.size() == MAX_CRITERIA) {
                throw new ImapSyntaxException("too many sort criteria");
            }
            out.add(new SortRequest.Criterion(key, reverse));
        }
        return out;
    }
}
