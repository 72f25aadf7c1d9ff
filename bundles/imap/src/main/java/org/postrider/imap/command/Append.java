package org.postrider.imap.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Appended;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;

/**
 * APPEND (RFC 9051 6.3.12, UIDPLUS's APPENDUID) and MULTIAPPEND (RFC 3502): each message comes
 * as a literal, held in memory when small and in a temporary file the session streamed it to
 * when large. Every argument is checked before anything is added; when the store refuses one
 * message of several, the ones added before it are expunged again, so the command adds all or
 * none (a crash in between may leave the first ones: the store has no batch to make it atomic).
 */
public final class Append implements ImapCommand {
    private record Message(Set<Flag> flags, Set<String> keywords, Instant date, MessageContent content) {
    }

    @Override
    public String name() {
        return "APPEND";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession session) {
        return "MULTIAPPEND";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String name = MailboxNames.fromWire(s, a.astring());
        List<Message> messages = new ArrayList<>();
        do {
            messages.add(message(a, s.utf8()));
        } while (a.hasNext());
        UidSet.Builder uids = new UidSet.Builder();
        List<Long> added = new ArrayList<>();
        long uidValidity = 0;
        try {
            for (Message m : messages) {
                // after the first, each goes only into the same mailbox: the store refuses a recreated one
                Appended done = s.store().append(new FolderRef(s.user(), name, uidValidity), m.content(), m.flags(),
                        m.keywords(), m.date());
                uidValidity = done.uidValidity();
                added.add(done.uid());
            }
        } catch (StoreException e) {
            if (!added.isEmpty()) {
                undo(s, new FolderRef(s.user(), name, uidValidity), added, e);
            } else if (!e.temporary() && !MailboxNames.exists(s, name)) {
                s.reply(r.tag() + " NO [TRYCREATE] no mailbox " + name);
                return;
            }
            throw e;
        }
        added.stream().sorted().forEach(uids::add);
        if (s.selected() != null) {
            s.sync(true);
        }
        s.reply(r.tag() + " OK [APPENDUID " + uidValidity + " " + uids.build() + "] APPEND completed");
    }

    /**
     * Expunges the messages a failed command added, so it adds none (what fails here is told with
     * {@code e}). By the folder's identity, its UIDVALIDITY, which no two folders of a user share
     * and a RENAME keeps: first under the name the command used, and if the folder is no longer
     * there (renamed meanwhile), under the name the store finds for the UIDVALIDITY now; a name
     * that now holds another folder refuses the UIDVALIDITY, so the undo never reaches it. (A
     * message the store refused itself is taken back by the store, under the folder's lock.)
     */
    static void undo(MailStore store, FolderRef folder, List<Long> added, StoreException e) {
        FolderRef at = folder;
        for (int tries = 0; ; tries++) {
            try {
                store.expunge(at, UidSet.of(added));
                return;
            } catch (StoreException again) {
                String now = null;
                if (tries < UNDO_TRIES) { // a rename each time between the look-up and the expunge: give up
                    try {
                        now = store.folderOf(folder.user(), folder.uidValidity());
                    } catch (StoreException lookUp) {
                        again.addSuppressed(lookUp);
                    }
                }
                if (now == null || now.equals(at.folder())) {
                    e.addSuppressed(again);
                    return;
                }
                at = new FolderRef(folder.user(), now, folder.uidValidity());
            }
        }
    }

    private static final int UNDO_TRIES = 3;

    /** As {@link #undo(MailStore, FolderRef, List, StoreException)}, with the store the session reaches now. */
    static void undo(ImapSession s, FolderRef folder, List<Long> added, StoreException e) {
        try {
            undo(s.store(), folder, added, e);
        } catch (StoreException none) {
            e.addSuppressed(none);
        }
    }

    /** One message's flags, date and literal. */
    private static Message message(ArgReader a, boolean utf8) throws ImapSyntaxException {
        Set<Flag> flags = EnumSet.noneOf(Flag.class);
        Set<String> keywords = new HashSet<>();
        if (a.peek() instanceof ImapToken.ListOf) {
            for (ImapToken t : a.list().items()) {
                if (!(t instanceof ImapToken.Atom atom)) {
                    throw new ImapSyntaxException("a flag is an atom");
                }
                Store.parseFlag(atom.text(), flags, keywords);
            }
        }
        Instant date = Instant.now();
        if (a.peek() instanceof ImapToken.Quoted q) {
            a.next();
            date = ArgReader.dateTime(q.text()).toInstant();
        }
        ImapToken text = a.next();
        if (text instanceof ImapToken.Atom u && u.is("UTF8")) {
            // RFC 6855 4: UTF8 (literal8), once the client enabled UTF8=ACCEPT
            if (!utf8) {
                throw new ImapSyntaxException("APPEND UTF8 needs ENABLE UTF8=ACCEPT");
            }
            ImapToken.ListOf l = a.list();
            if (l.items().size() != 1) {
                throw new ImapSyntaxException("UTF8 takes one literal8");
            }
            text = l.items().get(0);
        }
        return new Message(flags, keywords, date, content(text));
    }

    private static MessageContent content(ImapToken t) throws ImapSyntaxException {
        if (t instanceof ImapToken.Literal l) {
            byte[] data = l.data();
            return MessageContent.of(data);
        }
        if (t instanceof ImapToken.StreamedLiteral sl && sl.handle() instanceof Path p) {
            return new MessageContent() {
                @Override
                public long size() {
                    return sl.size();
                }

                @Override
                public InputStream open() throws IOException {
                    return Files.newInputStream(p);
                }
            };
        }
        throw new ImapSyntaxException("APPEND takes the message as a literal");
    }
}
