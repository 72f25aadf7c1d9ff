package org.postrider.imap.command;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.postrider.api.store.FolderInfo;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * LIST (RFC 9051 6.3.9) with CHILDREN and SPECIAL-USE attributes, and LSUB (RFC 3501 6.3.9)
 * when {@code subscribed}: reference and pattern with "*" and "%" matched against the
 * store's folder names.
 */
public final class ListCmd implements ImapCommand {
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
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        if (!subscribed && a.hasNext() && a.peek() instanceof org.postrider.imap.parse.ImapToken.ListOf) {
            a.list(); // selection options (LIST-EXTENDED): not yet honoured beyond the basic listing
        }
        String ref = s.utf8() ? a.astring() : org.postrider.imap.parse.ModifiedUtf7.decode(a.astring());
        String pattern = s.utf8() ? a.astring() : org.postrider.imap.parse.ModifiedUtf7.decode(a.astring());
        while (a.hasNext()) {
            a.next(); // RETURN (...) options: attributes are always returned
        }
        if (pattern.isEmpty()) {
            s.reply("* " + name() + " (\\Noselect) \"/\" \"\"");
            s.reply(r.tag() + " OK " + name() + " completed");
            return;
        }
        Pattern p = compile(ref + pattern);
        List<FolderInfo> folders = s.store().folders(s.user());
        Set<String> names = new HashSet<>();
        folders.forEach(f -> names.add(f.name()));
        for (FolderInfo f : folders) {
            if (subscribed && !f.subscribed()) {
                continue;
            }
            if (!p.matcher(f.name()).matches()) {
                continue;
            }
            boolean children = names.stream().anyMatch(n -> n.startsWith(f.name() + "/"));
            StringBuilder attrs = new StringBuilder(children ? "\\HasChildren" : "\\HasNoChildren");
            if (f.specialUse() != null) {
                attrs.append(' ').append(f.specialUse().attribute());
            }
            if (f.subscribed() && !subscribed) {
                attrs.append(" \\Subscribed");
            }
            s.reply("* " + name() + " (" + attrs + ") \"/\" " + MailboxNames.toWire(s, f.name()));
        }
        s.reply(r.tag() + " OK " + name() + " completed");
    }

    /** "*" matches anything, "%" anything but the separator; INBOX matched case-insensitively. */
    static Pattern compile(String pattern) {
        StringBuilder re = new StringBuilder();
        if (pattern.regionMatches(true, 0, "INBOX", 0, 5)) {
            pattern = "INBOX" + pattern.substring(5);
        }
        for (char c : pattern.toCharArray()) {
            if (c == '*') {
                re.append(".*");
            } else if (c == '%') {
                re.append("[^/]*");
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
