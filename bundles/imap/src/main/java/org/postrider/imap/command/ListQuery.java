package org.postrider.imap.command;

import java.util.ArrayList;
import java.util.List;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;
import org.postrider.imap.parse.ModifiedUtf7;

/**
 * A LIST command's arguments (RFC 9051 6.3.9, LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819,
 * SPECIAL-USE RFC 6154): selection options, reference, one or more patterns, return options.
 * Parsed without I/O; names are in the store's form (UTF-8).
 */
record ListQuery(boolean extended, boolean selectSubscribed, boolean recursiveMatch, boolean selectSpecialUse,
        String reference, List<String> patterns, List<String> statusItems) {
    static final int MAX_PATTERNS = 64;
    /** Longest reference plus pattern: matching costs its length times each name's. */
    static final int MAX_PATTERN_LENGTH = 1024;

    static ListQuery parse(ArgReader a, boolean utf8, boolean lsub) throws ImapSyntaxException {
        boolean extended = false;
        boolean subscribed = false;
        boolean recursive = false;
        boolean specialUse = false;
        if (!lsub && a.peek() instanceof ImapToken.ListOf) {
            extended = true;
            for (ImapToken t : a.list().items()) {
                String opt = atom(t, "selection option");
                switch (opt) {
                    case "SUBSCRIBED" -> subscribed = true;
                    case "RECURSIVEMATCH" -> recursive = true;
                    case "SPECIAL-USE" -> specialUse = true;
                    case "REMOTE" -> { } // no remote mailboxes here
                    default -> throw new ImapSyntaxException("unknown LIST selection option " + opt);
                }
            }
            if (recursive && !subscribed && !specialUse) {
                throw new ImapSyntaxException("RECURSIVEMATCH needs another selection option");
            }
        }
        String reference = name(a.astring(), utf8);
        List<String> patterns = new ArrayList<>();
        if (!lsub && a.peek() instanceof ImapToken.ListOf l) {
            a.next();
            extended = true;
            for (ImapToken t : l.items()) {
                String p = t.stringValue();
                if (p == null) {
                    throw new ImapSyntaxException("mailbox pattern expected");
                }
                patterns.add(name(p, utf8));
            }
            if (patterns.isEmpty() || patterns.size() > MAX_PATTERNS) {
                throw new ImapSyntaxException("between 1 and " + MAX_PATTERNS + " patterns");
            }
        } else {
            patterns.add(name(a.astring(), utf8));
        }
        List<String> status = List.of();
        if (!lsub && a.hasNext()) {
            if (!a.peekAtom("RETURN")) {
                throw new ImapSyntaxException("RETURN expected");
            }
            a.next();
            extended = true;
            List<ImapToken> opts = a.list().items();
            for (int i = 0; i < opts.size(); i++) {
                String opt = atom(opts.get(i), "return option");
                switch (opt) {
                    case "SUBSCRIBED", "CHILDREN", "SPECIAL-USE" -> { } // always returned
                    case "STATUS" -> {
                        if (i + 1 >= opts.size() || !(opts.get(i + 1) instanceof ImapToken.ListOf items)) {
                            throw new ImapSyntaxException("STATUS needs a list of items");
                        }
                        status = Status.items(items);
                        i++;
                    }
                    default -> throw new ImapSyntaxException("unknown LIST return option " + opt);
                }
            }
        }
        a.end();
        for (String p : patterns) {
            if (reference.length() + p.length() > MAX_PATTERN_LENGTH) {
                throw new ImapSyntaxException("mailbox pattern longer than " + MAX_PATTERN_LENGTH);
            }
        }
        return new ListQuery(extended, subscribed, recursive, specialUse, reference, List.copyOf(patterns), status);
    }

    private static String atom(ImapToken t, String what) throws ImapSyntaxException {
        if (t instanceof ImapToken.Atom at) {
            return at.text().toUpperCase(java.util.Locale.ROOT);
        }
        throw new ImapSyntaxException(what + " expected");
    }

    private static String name(String wire, boolean utf8) throws ImapSyntaxException {
        return utf8 ? wire : ModifiedUtf7.decode(wire);
    }
}
