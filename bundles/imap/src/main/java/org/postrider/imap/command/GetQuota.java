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
 * GETQUOTA (RFC 9208 4.2) of the user's one root "": STORAGE in KiB (usage rounded up) and
 * MESSAGE, each only when the store has a limit for it. The limits are the Directory's, set
 * by the admin (dir:quota-set), so SETQUOTA is refused.
 */
public final class GetQuota implements ImapCommand {
    @Override
    public String name() {
        return "GETQUOTA";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession session) {
        return "QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String root = a.astring();
        a.end();
        Quota q = s.store().quota(s.user());
        if (!root.isEmpty() || !q.limited()) {
            s.reply(r.tag() + " NO [NONEXISTENT] no such quota root");
            return;
        }
        s.reply(response(q));
        s.reply(r.tag() + " OK GETQUOTA completed");
    }

    static String response(Quota q) {
        StringBuilder sb = new StringBuilder("* QUOTA \"\" (");
        if (q.bytesLimit() > 0) {
            sb.append("STORAGE ").append((q.bytes() + 1023) / 1024).append(' ').append(q.bytesLimit() / 1024);
        }
        if (q.messagesLimit() > 0) {
            sb.append(q.bytesLimit() > 0 ? " " : "").append("MESSAGE ").append(q.messages()).append(' ')
                    .append(q.messagesLimit());
        }
        return sb.append(')').toString();
    }
}
