package org.postrider.imap.command;

import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ModifiedUtf7;
import org.postrider.imap.parse.ResponseWriter;

/** Mailbox names between the wire (modified UTF-7, or UTF-8 once enabled) and the store. */
final class MailboxNames {
    static final char SEPARATOR = '/';

    private MailboxNames() {
    }

    /** The store's name of a mailbox argument; strict: a non-canonical modified UTF-7 name is refused. */
    static String fromWire(ImapSession s, String arg) throws ImapSyntaxException {
        String name = s.utf8() ? arg : ModifiedUtf7.decode(arg);
        if (name.isEmpty()) {
            throw new ImapSyntaxException("empty mailbox name");
        }
        if (name.equalsIgnoreCase("INBOX") || name.regionMatches(true, 0, "INBOX/", 0, 6)) {
            name = "INBOX" + name.substring(5);
        }
        return name;
    }

    /**
     * Why a new mailbox (CREATE, the target of RENAME) may not have this name, or null when it
     * may. The store escapes every name, so none of these could leave the user's Maildir;
     * they are refused because clients and people read them as paths, as Dovecot refuses
     * them: a level "." or ".." (a client resolving it would show another folder), and a first
     * level beginning with "~" (another user's mail in UW-IMAP's and Dovecot's namespaces).
     * Existing mailboxes of such names (made before) stay usable under them.
     */
    static String refusedNewName(String name) {
        String[] levels = name.split("/", -1);
        for (String level : levels) {
            if (level.equals(".") || level.equals("..")) {
                return "a mailbox name may not have a level \"" + level + "\"";
            }
        }
        if (levels[0].startsWith("~")) {
            return "a mailbox name may not begin with \"~\" (read as another user's mail)";
        }
        return null;
    }

    /** Whether the user has the folder now (INBOX always): to tell which RFC 5530 code a refusal gets. */
    static boolean exists(ImapSession s, String name) throws org.postrider.api.store.StoreException {
        if (name.equals("INBOX")) {
            return true;
        }
        for (org.postrider.api.store.FolderInfo f : s.store().folders(s.user())) {
            if (f.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The wire form of a store name, as an astring. */
    static String toWire(ImapSession s, String name) {
        String w = s.utf8() ? name : ModifiedUtf7.encode(name);
        ResponseWriter rw = new ResponseWriter(s.utf8());
        rw.astring(w);
        return new String(rw.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
