package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.Quota;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * GETQUOTAROOT (RFC 9208 4.3): every mailbox of a user has the one quota root "" when the
 * store enforces a limit for the user, and none when it does not.
 */
public final class GetQuotaRoot implements ImapCommand {
    @Override
    public String name() {
        return "GETQUOTAROOT";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String name = MailboxNames.fromWire(s, a.astring());
        a.end();
        if (!MailboxNames.exists(s, name)) {
            s.reply(r.tag() + " NO [NONEXISTENT] no mailbox " + name);
            return;
        }
        Quota q = s.store().quota(s.user());
        if (q.limited()) {
            s.reply("* QUOTAROOT " + MailboxNames.toWire(s, name) + " \"\"");
            s.reply(GetQuota.response(q));
        } else {
            s.reply("* QUOTAROOT " + MailboxNames.toWire(s, name));
        }
        s.reply(r.tag() + " OK GETQUOTAROOT completed");
    }
}
