package org.postrider.imap.command;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.postrider.api.store.SpecialUse;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;

/**
 * CREATE (RFC 9051 6.3.4) with RFC 6154 CREATE-SPECIAL-USE: {@code CREATE name (USE (\Sent))}.
 * A trailing separator is dropped; the store makes the missing parents. The store holds one
 * use per folder and each use once, so a second use, or one already taken, is NO [USEATTR].
 * Names read as paths ("..", "~bob") are refused with NO [CANNOT] ({@link MailboxNames#refusedNewName}).
 */
public final class Create implements ImapCommand {
    @Override
    public String name() {
        return "CREATE";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession session) {
        return "CREATE-SPECIAL-USE";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String wire = a.astring();
        if (wire.endsWith("/")) {
            wire = wire.substring(0, wire.length() - 1);
        }
        String name = MailboxNames.fromWire(s, wire);
        List<String> uses = a.hasNext() ? uses(a.list()) : List.of();
        a.end();
        if (name.equals("INBOX")) {
            s.reply(r.tag() + " NO [ALREADYEXISTS] INBOX always exists");
            return;
        }
        String refused = MailboxNames.refusedNewName(name);
        if (refused != null) {
            s.reply(r.tag() + " NO [CANNOT] " + refused);
            return;
        }
        if (uses.size() > 1) {
            s.reply(r.tag() + " NO [USEATTR] a mailbox has one special use here");
            return;
        }
        SpecialUse use = null;
        if (!uses.isEmpty()) {
            use = specialUse(uses.get(0));
            if (use == null) {
                s.reply(r.tag() + " NO [USEATTR] unknown special use " + uses.get(0));
                return;
            }
        }
        try {
            s.store().createFolder(s.user(), name, use);
        } catch (StoreException e) {
            if (e.temporary()) {
                throw e;
            }
            String code = MailboxNames.exists(s, name) ? "ALREADYEXISTS" : use != null ? "USEATTR" : "CANNOT";
            s.reply(r.tag() + " NO [" + code + "] " + e.getMessage());
            return;
        }
        s.reply(r.tag() + " OK CREATE completed");
    }

    /** The use attributes of the create-params (RFC 4466 2.2, RFC 6154 5.2): only USE is known. */
    static List<String> uses(ImapToken.ListOf params) throws ImapSyntaxException {
        List<ImapToken> p = params.items();
        if (p.size() != 2 || !(p.get(0) instanceof ImapToken.Atom n) || !n.is("USE")
                || !(p.get(1) instanceof ImapToken.ListOf l)) {
            throw new ImapSyntaxException("only the USE create parameter is supported");
        }
        List<String> uses = new java.util.ArrayList<>();
        for (ImapToken t : l.items()) {
            if (!(t instanceof ImapToken.Atom u) || !u.text().startsWith("\\")) {
                throw new ImapSyntaxException("use attribute expected");
            }
            uses.add(u.text());
        }
        return uses;
    }

    /** The special use of an attribute such as "\\Sent", case-insensitive; null when unknown. */
    static SpecialUse specialUse(String attribute) {
        for (SpecialUse u : SpecialUse.values()) {
            if (u.attribute().equalsIgnoreCase(attribute)) {
                return u;
            }
        }
        return null;
    }
}
