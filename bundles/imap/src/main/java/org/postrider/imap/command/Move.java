package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidMap;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * MOVE and UID MOVE (RFC 6851): the store moves the messages (each in exactly one folder at
 * every moment); the client hears COPYUID untagged, then the EXPUNGE of each moved message,
 * then the tagged OK (RFC 6851 4.3, 4.4).
 */
public final class Move implements ImapCommand {
    @Override
    public String name() {
        return "MOVE";
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
    public String capability(ImapSession s) {
        return "MOVE";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        Copy.Target t = Copy.Target.read(s, r);
        if (s.selected().readOnly()) {
            s.reply(r.tag() + " NO [READ-ONLY] the mailbox is read-only (EXAMINE)");
            return;
        }
        if (t.intoSelected(s)) {
            s.reply(r.tag() + " NO [CANNOT] the messages are in this mailbox already");
            return;
        }
        UidMap map = t.transfer(s, true);
        if (map == null) {
            s.reply(r.tag() + " NO [TRYCREATE] no mailbox " + MailboxNames.toWire(s, t.folder()));
            return;
        }
        String copyUid = Copy.copyUid(map);
        if (!copyUid.isEmpty()) {
            s.reply("* OK " + copyUid + "moved");
        }
        boolean told = s.sync(true);
        s.reply(r.tag() + " OK " + Expunge.highestModSeq(s, told) + "MOVE completed");
    }
}
