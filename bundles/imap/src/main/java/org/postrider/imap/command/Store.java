package org.postrider.imap.command;

import java.io.IOException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FlagResult;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;
import org.postrider.imap.parse.SequenceSet;

/**
 * STORE and UID STORE (RFC 9051 6.4.6) with UNCHANGEDSINCE (RFC 7162 3.1.3): the messages
 * that failed the condition are named in MODIFIED, the others answered with their flags
 * (unless .SILENT). UNCHANGEDSINCE enables CONDSTORE; once it is enabled each answer carries
 * UID and MODSEQ, even after .SILENT (RFC 7162 3.1, 3.1.3), and before it neither is sent
 * unasked.
 */
public final class Store implements ImapCommand {
    @Override
    public String name() {
        return "STORE";
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
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        SequenceSet set = a.sequenceSet(SequenceSet.DEFAULT_MAX_RANGES);
        long unchangedSince = -1;
        if (a.peek() instanceof ImapToken.ListOf) {
            ArgReader mods = new ArgReader(a.list().items());
            while (mods.hasNext()) {
                String mod = mods.atom();
                if (!mod.equalsIgnoreCase("UNCHANGEDSINCE")) {
                    throw new ImapSyntaxException("unknown STORE modifier " + mod);
                }
                unchangedSince = mods.number64();
            }
        }
        String op = a.atom().toUpperCase(java.util.Locale.ROOT);
        boolean silent = op.endsWith(".SILENT");
        FlagChange change = switch (silent ? op.substring(0, op.length() - 7) : op) {
            case "FLAGS" -> FlagChange.REPLACE;
            case "+FLAGS" -> FlagChange.ADD;
            case "-FLAGS" -> FlagChange.REMOVE;
            default -> throw new ImapSyntaxException("expected FLAGS, +FLAGS or -FLAGS");
        };
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        Set<String> keywords = new HashSet<>();
        java.util.List<ImapToken> items = a.peek() instanceof ImapToken.ListOf ? a.list().items()
                : java.util.List.copyOf(remaining(a));
        for (ImapToken t : items) {
            if (!(t instanceof ImapToken.Atom atom)) {
                throw new ImapSyntaxException("a flag is an atom");
            }
            parseFlag(atom.text(), flags, keywords);
        }
        a.end();
        if (unchangedSince >= 0) {
            s.enableCondstore(); // RFC 7162 3.1: a CONDSTORE enabling command
        }
        Selected sel = s.selected();
        if (sel.readOnly()) {
            s.reply(r.tag() + " NO [READ-ONLY] the mailbox is read-only (EXAMINE)");
            return;
        }
        UidSet uids = s.resolve(set, r.uid());
        FlagResult res = s.store().changeFlags(sel.ref(), uids, change, flags, keywords, unchangedSince);
        java.util.Map<Long, Long> told = new java.util.HashMap<>();
        for (MessageMeta m : res.messages()) {
            told.put(m.uid(), m.modSeq());
            int n = sel.number(m.uid());
            String line = n > 0 ? response(n, m, sel, r.uid(), silent, s.condstore()) : null;
            if (line != null) {
                s.reply(line);
            }
        }
        s.sync(r.uid(), told);
        if (!res.failed().isEmpty()) {
            UidSet failed = res.failed();
            String code = r.uid() ? failed.toString() : numbers(sel, failed);
            s.reply(r.tag() + " OK [MODIFIED " + code + "] conditional STORE failed for some messages");
            return;
        }
        s.reply(r.tag() + " OK STORE completed");
    }

    /**
     * The untagged FETCH answering the STORE of message {@code n}, or null for none (.SILENT
     * without CONDSTORE): UID for UID STORE or with CONDSTORE, FLAGS unless .SILENT, MODSEQ with
     * CONDSTORE.
     */
    static String response(int n, MessageMeta m, Selected sel, boolean uid, boolean silent, boolean condstore) {
        if (silent && !condstore) {
            return null;
        }
        java.util.StringJoiner items = new java.util.StringJoiner(" ", "* " + n + " FETCH (", ")");
        if (uid || condstore) {
            items.add("UID " + m.uid());
        }
        if (!silent) {
            items.add("FLAGS (" + ImapSession.flags(m, sel) + ")");
        }
        if (condstore) {
            items.add("MODSEQ (" + m.modSeq() + ")");
        }
        return items.toString();
    }

    private static java.util.List<ImapToken> remaining(ArgReader a) throws ImapSyntaxException {
        java.util.List<ImapToken> l = new java.util.ArrayList<>();
        while (a.hasNext()) {
            l.add(a.next());
        }
        return l;
    }

    static String numbers(Selected sel, UidSet uids) {
        UidSet.Builder b = new UidSet.Builder();
        for (long u : uids) {
            int n = sel.number(u);
            if (n > 0) {
                b.add(n);
            }
        }
        return b.build().toString();
    }

    /** A system flag (case-insensitive) or a keyword; \Recent and other backslashed names are refused. */
    static void parseFlag(String text, Set<Flag> flags, Set<String> keywords) throws ImapSyntaxException {
        if (text.startsWith("\\")) {
            for (Flag f : Flag.values()) {
                if (ImapSession.flagName(f).equalsIgnoreCase(text)) {
                    flags.add(f);
                    return;
                }
            }
            throw new ImapSyntaxException("unknown system flag " + text);
        }
        if (text.isEmpty() || text.length() > 100 || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f
                && "(){%*\"\\]".indexOf(c) < 0)) {
            throw new ImapSyntaxException("invalid keyword");
        }
        keywords.add(text);
    }
}
