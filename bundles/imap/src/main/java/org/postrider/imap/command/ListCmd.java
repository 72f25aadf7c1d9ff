package org.postrider.imap.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.postrider.api.store.FolderInfo;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * LIST (RFC 9051 6.3.9) with LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), CHILDREN and
 * SPECIAL-USE, and LSUB (RFC 3501 6.3.9) when {@code subscribed}. A name that is not itself
 * listed but stands above one that is, and that the pattern matches where the lower name is
 * not matched ("%" at its level), is listed too: \Noselect (\NonExistent) when it does not
 * exist, with CHILDINFO under RECURSIVEMATCH.
 */
public final class ListCmd implements ImapCommand {
    private static final Comparator<String> ORDER =
            Comparator.comparing((String n) -> !n.equals("INBOX")).thenComparing(Comparator.naturalOrder());

    private final boolean subscribed;

    public ListCmd() {
        this(false);
    }

    public ListCmd(boolean subscribed) {
        this.subscribed = subscribed;
    }

    @Override
    public String name() {
        return subscribed ? "LSUB" : "LIST";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession session) {
        return subscribed ? null : "LIST-EXTENDED LIST-STATUS";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ListQuery q = ListQuery.parse(new ArgReader(r.args()), s.utf8(), subscribed);
        if (q.statusItems().contains("HIGHESTMODSEQ")) {
            s.enableCondstore(); // a STATUS with HIGHESTMODSEQ (RFC 7162 3.1), by way of LIST-STATUS
        }
        if (q.patterns().size() == 1 && q.patterns().get(0).isEmpty()) {
            s.reply("* " + name() + " (\\Noselect) \"/\" \"\"");
            s.reply(r.tag() + " OK " + name() + " completed");
            return;
        }
        List<MailboxPattern> patterns = new ArrayList<>();
        for (String p : q.patterns()) {
            patterns.add(new MailboxPattern(q.reference() + p));
        }
        Map<String, FolderInfo> existing = new HashMap<>();
        TreeSet<String> names = new TreeSet<>();
        for (FolderInfo f : s.store().folders(s.user())) {
            existing.put(f.name(), f);
            names.add(f.name());
        }
        Set<String> subs = new HashSet<>(s.store().subscriptions(s.user()));
        existing.values().stream().filter(FolderInfo::subscribed).forEach(f -> subs.add(f.name()));

        boolean bySubscription = subscribed || q.selectSubscribed();
        List<String> candidates = new ArrayList<>();
        if (bySubscription) {
            candidates.addAll(subs);
        } else {
            for (FolderInfo f : existing.values()) {
                if (!q.selectSpecialUse() || f.specialUse() != null) {
                    candidates.add(f.name());
                }
            }
        }
        // name → whether it is listed for itself (false: only as the level above a listed name)
        TreeMap<String, Boolean> listed = new TreeMap<>(ORDER);
        Set<String> childInfo = new HashSet<>();
        for (String c : candidates) {
            if (matches(patterns, c)) {
                listed.put(c, true);
                continue;
            }
            if (q.selectSpecialUse() && !q.recursiveMatch()) {
                continue;
            }
            for (int i = c.lastIndexOf('/'); i > 0; i = c.lastIndexOf('/', i - 1)) {
                String above = c.substring(0, i);
                if (matches(patterns, above)) {
                    listed.putIfAbsent(above, false);
                    if (q.recursiveMatch()) {
                        childInfo.add(above);
                    }
                }
            }
        }
        for (Map.Entry<String, Boolean> e : listed.entrySet()) {
            String n = e.getKey();
            boolean self = e.getValue();
            if (!self && q.selectSubscribed() && !q.recursiveMatch()) {
                continue;
            }
            FolderInfo f = existing.get(n);
            List<String> attrs = new ArrayList<>();
            if (f == null) {
                attrs.add(q.extended() && !subscribed ? "\\NonExistent" : "\\Noselect");
            } else if (subscribed && !self) {
                attrs.add("\\Noselect"); // LSUB: the level above a subscription, itself not subscribed
            }
            if (!subscribed) {
                String under = names.higher(n + "/");
                boolean children = names.contains(n + "/") || under != null && under.startsWith(n + "/");
                attrs.add(children ? "\\HasChildren" : "\\HasNoChildren");
                if (subs.contains(n)) {
                    attrs.add("\\Subscribed");
                }
            }
            if (f != null && f.specialUse() != null) {
                attrs.add(f.specialUse().attribute());
            }
            String line = "* " + name() + " (" + String.join(" ", attrs) + ") \"/\" " + MailboxNames.toWire(s, n);
            if (childInfo.contains(n)) {
                line += " (\"CHILDINFO\" (\"" + (q.selectSubscribed() ? "SUBSCRIBED" : "SPECIAL-USE") + "\"))";
            }
            s.reply(line);
            if (f != null && !q.statusItems().isEmpty()) {
                String status = Status.response(s, n, q.statusItems());
                if (status != null) {
                    s.reply(status);
                }
            }
        }
        s.reply(r.tag() + " OK " + name() + " completed");
    }

    private static boolean matches(List<MailboxPattern> patterns, String name) {
        for (MailboxPattern p : patterns) {
            if (p.matches(name)) {
                return true;
            }
        }
        return false;
    }
}
