package org.postrider.imap.parse;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postrider.api.store.Flag;
import org.postrider.api.store.SearchKey;

/**
 * SEARCH criteria (RFC 3501 6.4.4, RFC 9051 6.4.4, MODSEQ from RFC 7162, RETURN from
 * RFC 4731 / RFC 5182) to a {@link SearchKey}. Session state (message numbers, \Recent,
 * {@code $}) goes through a {@link SearchContext}. NOT and OR chains and groups are
 * nested at most {@code maxDepth} deep, so a hostile chain costs bounded stack.
 */
public final class SearchParser {
    /** Charsets answered without conversion: strings arrive as UTF-8 already. */
    public static final String BADCHARSET = "BADCHARSET (US-ASCII UTF-8)";

    private final SearchContext context;
    private final int maxDepth;
    private final int maxRanges;

    public SearchParser(SearchContext context, int maxDepth, int maxRanges) {
        this.context = context;
        this.maxDepth = maxDepth;
        this.maxRanges = maxRanges;
    }

    /** Parses the arguments of SEARCH (or UID SEARCH) after the command name. */
    public SearchRequest parse(List<ImapToken> args) throws ImapSyntaxException {
        ArgReader r = new ArgReader(args);
        Set<SearchRequest.ReturnOption> options = null;
        if (r.peekAtom("RETURN")) {
            r.next();
            options = returnOptions(r.list());
        }
        String charset = null;
        if (r.peekAtom("CHARSET")) {
            r.next();
            charset = charset(r);
        }
        return new SearchRequest(criteria(r), charset, options);
    }

    /** A charset name (astring), upper-cased; refused with {@link #BADCHARSET} unless answered. */
    public static String charset(ArgReader r) throws ImapSyntaxException {
        String charset = r.astring().toUpperCase(Locale.ROOT);
        if (!charset.equals("US-ASCII") && !charset.equals("UTF-8")) {
            throw new ImapSyntaxException(BADCHARSET, "unsupported charset");
        }
        return charset;
    }

    /** One or more search keys up to the end of the arguments (SEARCH, SORT, THREAD), as one key. */
    public SearchKey criteria(ArgReader r) throws ImapSyntaxException {
        if (!r.hasNext()) {
            throw new ImapSyntaxException("missing search criteria");
        }
        List<SearchKey> keys = new ArrayList<>();
        while (r.hasNext()) {
            keys.add(key(r, 0));
        }
        return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
    }

    static Set<SearchRequest.ReturnOption> returnOptions(ImapToken.ListOf list) throws ImapSyntaxException {
        Set<SearchRequest.ReturnOption> options = EnumSet.noneOf(SearchRequest.ReturnOption.class);
        for (ImapToken t : list.items()) {
            if (!(t instanceof ImapToken.Atom a)) {
                throw new ImapSyntaxException("invalid RETURN option");
            }
            try {
                options.add(SearchRequest.ReturnOption.valueOf(a.text().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ImapSyntaxException("unknown RETURN option");
            }
        }
        return options;
    }

    private SearchKey key(ArgReader r, int depth) throws ImapSyntaxException {
        if (depth >= maxDepth) {
            throw new ImapSyntaxException("search criteria nested too deep");
        }
        ImapToken t = r.next();
        if (t instanceof ImapToken.ListOf group) {
            if (group.items().isEmpty()) {
                throw new ImapSyntaxException("empty search group");
            }
            ArgReader inner = new ArgReader(group.items());
            List<SearchKey> keys = new ArrayList<>();
            while (inner.hasNext()) {
                keys.add(key(inner, depth + 1));
            }
            return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
        }
        if (!(t instanceof ImapToken.Atom atom)) {
            throw new ImapSyntaxException("search key expected");
        }
        String word = atom.text();
        if (SequenceSet.looksLike(word)) {
            return context.messageNumbers(SequenceSet.parse(word, maxRanges));
        }
        return switch (word.toUpperCase(Locale.ROOT)) {
            case "ALL" -> new SearchKey.All();
            case "ANSWERED" -> flag(Flag.ANSWERED, true);
            case "DELETED" -> flag(Flag.DELETED, true);
            case "DRAFT" -> flag(Flag.DRAFT, true);
            case "FLAGGED" -> flag(Flag.FLAGGED, true);
            case "SEEN" -> flag(Flag.SEEN, true);
            case "UNANSWERED" -> flag(Flag.ANSWERED, false);
            case "UNDELETED" -> flag(Flag.DELETED, false);
            case "UNDRAFT" -> flag(Flag.DRAFT, false);
            case "UNFLAGGED" -> flag(Flag.FLAGGED, false);
            case "UNSEEN" -> flag(Flag.SEEN, false);
            case "RECENT" -> context.recent(true);
            case "OLD" -> context.recent(false);
            case "NEW" -> new SearchKey.And(List.of(context.recent(true), flag(Flag.SEEN, false)));
            case "KEYWORD" -> keyword(r, true);
            case "UNKEYWORD" -> keyword(r, false);
            case "BCC", "CC", "FROM", "SUBJECT", "TO" -> new SearchKey.Header(word.toUpperCase(Locale.ROOT), r.astring());
            case "HEADER" -> header(r);
            case "BODY" -> new SearchKey.Body(r.astring());
            case "TEXT" -> new SearchKey.Text(r.astring());
            case "BEFORE" -> new SearchKey.Received(SearchKey.DateOp.BEFORE, r.date());
            case "ON" -> new SearchKey.Received(SearchKey.DateOp.ON, r.date());
            case "SINCE" -> new SearchKey.Received(SearchKey.DateOp.SINCE, r.date());
            case "SENTBEFORE" -> new SearchKey.Sent(SearchKey.DateOp.BEFORE, r.date());
            case "SENTON" -> new SearchKey.Sent(SearchKey.DateOp.ON, r.date());
            case "SENTSINCE" -> new SearchKey.Sent(SearchKey.DateOp.SINCE, r.date());
            case "LARGER" -> new SearchKey.Larger(r.number64());
            case "SMALLER" -> new SearchKey.Smaller(r.number64());
            case "UID" -> context.uids(r.sequenceSet(maxRanges));
            case "MODSEQ" -> modSeq(r);
            case "NOT" -> new SearchKey.Not(key(r, depth + 1));
            case "OR" -> {
                SearchKey a = key(r, depth + 1);
                yield new SearchKey.Or(a, key(r, depth + 1));
            }
            default -> throw new ImapSyntaxException("unknown search key");
        };
    }

    private static SearchKey flag(Flag f, boolean set) {
        return new SearchKey.HasFlag(f, set);
    }

    private static SearchKey keyword(ArgReader r, boolean set) throws ImapSyntaxException {
        String k = r.atom();
        if (k.isEmpty() || k.startsWith("\\") || k.indexOf('[') >= 0 || k.indexOf(']') >= 0 || k.indexOf('%') >= 0
                || k.indexOf('*') >= 0) {
            throw new ImapSyntaxException("invalid keyword");
        }
        return new SearchKey.HasKeyword(k, set);
    }

    private static SearchKey header(ArgReader r) throws ImapSyntaxException {
        String field = r.astring();
        if (field.isEmpty() || !field.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
            throw new ImapSyntaxException("invalid header field name");
        }
        return new SearchKey.Header(field, r.astring());
    }

    /** MODSEQ [entry-name entry-type-req] mod-sequence-valzer (RFC 7162 3.1.5); the entry is not kept per flag. */
    private static SearchKey modSeq(ArgReader r) throws ImapSyntaxException {
        if (!(r.peek() instanceof ImapToken.Atom a && isDigits(a.text()))) {
            String entry = r.astring();
            if (!entry.startsWith("/flags/")) {
                throw new ImapSyntaxException("invalid MODSEQ entry name");
            }
            String type = r.atom().toLowerCase(Locale.ROOT);
            if (!type.equals("priv") && !type.equals("shared") && !type.equals("all")) {
                throw new ImapSyntaxException("invalid MODSEQ entry type");
            }
        }
        return new SearchKey.ModSeq(r.number64());
    }

    private static boolean isDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }
}
