package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ImapRequest;

/** SETQUOTA (RFC 9208 4.1): quotas are the admin's, in the Directory; a user may not set them. */
public final class SetQuota implements ImapCommand {
    @Override
    public String name() {
        return "SETQUOTA";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException {
        s.reply(r.tag() + " NO [NOPERM] quotas are set by the administrator");
    }
}
