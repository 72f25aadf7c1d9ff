package org.postrider.imap.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.FolderSummary;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidValidityChangedException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;

/**
 * STATUS (RFC 9051 6.3.11, CONDSTORE's HIGHESTMODSEQ): the counters from the store's
 * summary, in the order asked; only DELETED needs a search of the folder's index.
 */
public final class Status implements ImapCommand {
    private static final Set<String> ITEMS =
            Set.of("MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE", "RECENT", "HIGHESTMODSEQ");

    @Override
    public String name() {
        return "STATUS";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession session) {
        return "STATUS=SIZE";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String name = MailboxNames.fromWire(s, a.astring());
        List<String> items = items(a.list());
        a.end();
        if (items.contains("HIGHESTMODSEQ")) {
            s.enableCondstore(); // RFC 7162 3.1: STATUS with HIGHESTMODSEQ is an enabling command
        }
        String response;
        try {
            response = line(s, name, items);
        } catch (UidValidityChangedException e) {
            // recreated between the two calls: not this session's selected mailbox, so no BYE
            s.reply(r.tag() + " NO [UNAVAILABLE] the mailbox changed meanwhile, try again");
            return;
        } catch (StoreException e) {
            if (e.temporary()) {
                throw e;
            }
            s.reply(r.tag() + " NO [NONEXISTENT] " + e.getMessage());
            return;
        }
        s.reply(response);
        s.reply(r.tag() + " OK STATUS completed");
    }

    /**
     * The untagged STATUS of a folder for LIST-STATUS (RFC 5819), or null when the folder cannot
     * be read now for a reason that is not temporary (it went away meanwhile: it is left out).
     */
    static String response(ImapSession s, String folder, List<String> items) throws StoreException {
        try {
            return line(s, folder, items);
        } catch (StoreException e) {
            if (e.temporary() && !(e instanceof UidValidityChangedException)) {
                throw e;
            }
            return null;
        }
    }

    private static String line(ImapSession s, String name, List<String> items) throws StoreException {
        FolderSummary sum = s.store().summary(s.user(), name, items.contains("SIZE"));
        long deleted = 0;
        if (items.contains("DELETED")) {
            deleted = s.store().search(new FolderRef(s.user(), sum.folder(), sum.uidValidity()),
                    new SearchKey.HasFlag(Flag.DELETED, true), null).size();
        }
        StringBuilder sb = new StringBuilder();
        for (String item : items) {
            long v = switch (item) {
                case "MESSAGES" -> sum.messages();
                case "UIDNEXT" -> sum.uidNext();
                case "UIDVALIDITY" -> sum.uidValidity();
                case "UNSEEN" -> sum.unseen();
                case "SIZE" -> sum.bytes();
                case "RECENT" -> sum.recent();
                case "HIGHESTMODSEQ" -> sum.highestModSeq();
                default -> deleted;
            };
            sb.append(sb.isEmpty() ? "" : " ").append(item).append(' ').append(v);
        }
        return "* STATUS " + MailboxNames.toWire(s, sum.folder()) + " (" + sb + ")";
    }

    /** The status items asked for, upper-case, each once, in the order asked; at least one. */
    static List<String> items(ImapToken.ListOf list) throws ImapSyntaxException {
        List<String> items = new ArrayList<>();
        for (ImapToken t : list.items()) {
            String item = t instanceof ImapToken.Atom at ? at.text().toUpperCase(Locale.ROOT) : "";
            if (!ITEMS.contains(item)) {
                throw new ImapSyntaxException("unknown status item");
            }
            if (!items.contains(item)) {
                items.add(item);
            }
        }
        if (items.isEmpty()) {
            throw new ImapSyntaxException("status items expected");
        }
        return items;
    }
}
