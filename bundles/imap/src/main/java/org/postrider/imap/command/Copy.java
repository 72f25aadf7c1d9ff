package org.postrider.imap.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Appended;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidMap;
import org.postrider.api.store.UidSet;
import org.postrider.api.store.UidValidityChangedException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.SequenceSet;

/**
 * COPY and UID COPY (RFC 9051 6.4.7) with UIDPLUS's COPYUID (RFC 4315): the messages go to
 * another folder of the user with their flags and dates; [TRYCREATE] when it does not exist.
 * A COPY into the selected mailbox itself adds each message again, with its flags and date,
 * in batches; when the store refuses one, the copies made are expunged again.
 */
public final class Copy implements ImapCommand {
    @Override
    public String name() {
        return "COPY";
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
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        Target t = Target.read(s, r);
        UidMap map = t.intoSelected(s) ? copyInPlace(s, t.uids()) : t.transfer(s, false);
        if (map == null) {
            s.reply(r.tag() + " NO [TRYCREATE] no mailbox " + MailboxNames.toWire(s, t.folder()));
            return;
        }
        s.sync(r.uid()); // no EXPUNGE while answering a COPY given message numbers (RFC 9051 7.5.1)
        s.reply(r.tag() + " OK " + copyUid(map) + "COPY completed");
    }

    private static final int BATCH = 1000;

    /** Copies messages into their own folder: appended again, in UID order, all or none. */
    static UidMap copyInPlace(ImapSession s, UidSet uids) throws StoreException {
        FolderRef ref = s.selected().ref();
        UidSet.Builder from = new UidSet.Builder();
        List<Long> made = new ArrayList<>();
        long validity = ref.uidValidity();
        try {
            long[] batch = new long[BATCH];
            int n = 0;
            for (long u : uids) {
                batch[n++] = u;
                if (n == BATCH) {
                    copyBatch(s, ref, UidSet.of(batch), from, made);
                    n = 0;
                }
            }
            if (n > 0) {
                copyBatch(s, ref, UidSet.of(java.util.Arrays.copyOf(batch, n)), from, made);
            }
        } catch (StoreException e) {
            if (!made.isEmpty()) {
                Append.undo(s, ref, made, e);
            }
            throw e;
        }
        return new UidMap(validity, from.build(), UidSet.of(made));
    }

    private static void copyBatch(ImapSession s, FolderRef ref, UidSet uids, UidSet.Builder from, List<Long> made)
            throws StoreException {
        for (MessageMeta m : s.store().messages(ref, uids)) {
            MessageContent content = s.store().content(ref, m.uid());
            if (content == null) {
                continue; // expunged meanwhile: not copied, as a COPY of an expunged message is not
            }
            Appended a = s.store().append(ref, content, m.flags(), m.keywords(), m.internalDate());
            if (a.uidValidity() != ref.uidValidity()) {
                throw new UidValidityChangedException("the mailbox was recreated during COPY");
            }
            from.add(m.uid());
            made.add(a.uid());
        }
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

        /** Whether the target is the selected mailbox itself. */
        boolean intoSelected(ImapSession s) {
            return folder.equals(s.selected().ref().folder());
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
            return MailboxNames.exists(s, folder);
        }
    }
}
