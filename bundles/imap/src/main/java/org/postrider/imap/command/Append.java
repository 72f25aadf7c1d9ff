package org.postrider.imap.command;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Appended;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ImapToken;

/**
 * APPEND (RFC 9051 6.3.12, UIDPLUS's APPENDUID): the message comes as a literal, held in
 * memory when small and in a temporary file the session streamed it to when large.
 */
public final class Append implements ImapCommand {
    @Override
    public String name() {
        return "APPEND";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        ArgReader a = new ArgReader(r.args());
        String name = MailboxNames.fromWire(s, a.astring());
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
        MessageContent content = content(a.next());
        a.end();
        Appended done;
        try {
            done = s.store().append(FolderRef.of(s.user(), name), content, flags, keywords, date);
        } catch (StoreException e) {
            if (!e.temporary() && s.store().folders(s.user()).stream().noneMatch(f -> f.name().equals(name))) {
                s.reply(r.tag() + " NO [TRYCREATE] no mailbox " + name);
                return;
            }
            throw e;
        }
        if (s.selected() != null) {
            s.sync(true);
        }
        s.reply(r.tag() + " OK [APPENDUID " + done.uidValidity() + " " + done.uid() + "] APPEND completed");
    }

    private static MessageContent content(ImapToken t) throws ImapSyntaxException {
        if (t instanceof ImapToken.Literal l) {
            byte[] data = l.data();
            return new MessageContent() {
                @Override
                public long size() {
                    return data.length;
                }

                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(data);
                }
            };
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
