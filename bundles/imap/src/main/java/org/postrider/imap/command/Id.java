package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;

/**
 * ID (RFC 2971): the client's fields are checked for shape (RFC 2971's bounds: 30 pairs,
 * fields of 30 octets, values of 1024) and otherwise ignored; the answer names the server
 * and no version.
 */
public final class Id implements ImapCommand {
    @Override
    public String name() {
        return "ID";
    }

    @Override
    public Set<ImapSession.State> states() {
        return ANY;
    }

    @Override
    public String capability(ImapSession session) {
        return "ID";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        ArgReader a = new ArgReader(r.args());
        ImapToken t = a.next();
        a.end();
        check(t);
        s.reply("* ID (\"name\" \"Postrider\")");
        s.reply(r.tag() + " OK ID completed");
    }

    /** The client's parameter list: NIL or field-value pairs of strings within RFC 2971's bounds. */
    static void check(ImapToken t) throws ImapSyntaxException {
        if (t.isNil()) {
            return;
        }
        if (!(t instanceof ImapToken.ListOf l) || l.items().size() % 2 != 0 || l.items().size() > 60) {
            throw new ImapSyntaxException("ID expects NIL or up to 30 field-value pairs");
        }
        for (int i = 0; i < l.items().size(); i++) {
            ImapToken v = l.items().get(i);
            String text = v.isNil() && i % 2 == 1 ? "" : v instanceof ImapToken.Atom ? null : v.stringValue();
            int max = i % 2 == 0 ? 30 : 1024;
            if (text == null || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max) {
                throw new ImapSyntaxException("ID fields are strings of at most 30, values of 1024");
            }
        }
    }
}
