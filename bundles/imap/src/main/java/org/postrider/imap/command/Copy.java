package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidMap;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.SequenceSet;

/**
 * COPY and UID COPY (RFC 9051 6.4.7) with UIDPLUS's COPYUID (RFC 4315): the messages go to
 * another folder of the user with their flags and dates; [TRYCREATE] when it does not exist.
 */
public final class Copy implements ImapCommand {
    @Override
    public String name() {
        return "COPY";
    }

    @Override
    public Set<ImapSession.State> states() {
        return SELECTED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        Target t = Target.read(s, r);
        UidMap map = t.transfer(s, false);
        if (map == null) {
            s.reply(r.tag() + " NO [TRYCREATE] no mailbox " + MailboxNames.toWire(s, t.folder()));
            return;
        }
        s.sync(r.uid()); // no EXPUNGE while answering a COPY given message numbers (RFC 9051 7.5.1)
        s.reply(r.tag() + " OK " + copyUid(map) + "COPY completed");
    }

    /** "[COPYUID ...] " for the messages that went, or nothing when none did (RFC 4315 3). */
    static String copyUid(UidMap map) {
        return map.source().isEmpty() ? ""
                : "[COPYUID " + map.targetUidValidity() + " " + map.source() + " " + map.target() + "] ";
    }

    /** The arguments of COPY and MOVE: the messages (as UIDs this session knows) and the target folder. */
    record Target(UidSet uids, String folder) {
        static Target read(ImapSession s, ImapRequest r) throws ImapSyntaxException {
            ArgReader a = new ArgReader(r.args());
            SequenceSet set = a.sequenceSet(SequenceSet.DEFAULT_MAX_RANGES);
            String folder = MailboxNames.fromWire(s, a.astring());
            a.end();
            return new Target(s.resolve(set, r.uid()), folder);
        }

        /** Copies or moves; null when the target folder does not exist (TRYCREATE). */
        UidMap transfer(ImapSession s, boolean move) throws StoreException {
            if (uids.isEmpty() && exists(s)) {
                return new UidMap(0, UidSet.empty(), UidSet.empty());
            }
            try {
                return move ? s.store().move(s.selected().ref(), uids, folder)
                        : s.store().copy(s.selected().ref(), uids, folder);
            } catch (StoreException e) {
                if (!e.temporary() && !exists(s)) {
                    return null;
                }
                throw e;
            }
        }

        private boolean exists(ImapSession s) throws StoreException {
            return s.store().folders(s.user()).stream().anyMatch(f -> f.name().equals(folder));
        }
    }
}
