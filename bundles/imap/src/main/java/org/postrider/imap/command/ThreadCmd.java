package org.postrider.imap.command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.HeaderField;
import org.postrider.api.store.MailStore;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.MessageStructure;
import org.postrider.api.store.StoreException;
import org.postrider.api.store.UidSet;
import org.postrider.imap.ImapSession;
import org.postrider.imap.Selected;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;
import org.postrider.imap.parse.ThreadRequest;
import org.postrider.imap.sort.BaseSubject;
import org.postrider.imap.sort.Collation;
import org.postrider.imap.sort.MessageIds;
import org.postrider.imap.sort.ReferencesThreader;
import org.postrider.imap.sort.SortableMessage;
import org.postrider.imap.sort.ThreadNode;
import org.postrider.imap.sort.Threads;

/**
 * THREAD and UID THREAD (RFC 5256) with ORDEREDSUBJECT and REFERENCES. Subjects, dates and
 * message ids come from the store's cached structures (References from its kept header
 * fields); one message's data is reduced to what threading keeps before the next is read.
 */
public final class ThreadCmd implements ImapCommand {
    @Override
    public String name() {
        return "THREAD";
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
    public String capability(ImapSession session) {
        return "THREAD=ORDEREDSUBJECT THREAD=REFERENCES";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException, StoreException {
        Selected sel = s.selected();
        ThreadRequest q;
        try {
            q = Sort.parser(sel).thread(r.args());
        } catch (ImapSyntaxException e) {
            if (Sort.refusedCharset(s, r, e)) {
                return;
            }
            throw e;
        }
        Search.enablesCondstore(s, q.key());
        MailStore store = s.store();
        UidSet found = store.search(sel.ref(), q.key(), sel.all());
        boolean references = q.algorithm() == ThreadRequest.Algorithm.REFERENCES;
        ReferencesThreader threader = new ReferencesThreader();
        List<Threads.Message> ordered = new ArrayList<>();
        for (MessageMeta m : store.messages(sel.ref(), found, false)) {
            int n = sel.number(m.uid());
            if (n <= 0) {
                continue;
            }
            MessageStructure st = store.structure(sel.ref(), m.uid());
            Envelope e = st == null ? null : st.envelope();
            long id = r.uid() ? m.uid() : n;
            long sent = SortableMessage.sent(m, st);
            BaseSubject subject = e == null ? BaseSubject.EMPTY : BaseSubject.of(e.subject());
            if (references) {
                threader.add(id, n, sent, subject, e == null ? null : MessageIds.first(e.messageId()), references(st));
            } else {
                ordered.add(new Threads.Message(id, n, sent, Collation.key(subject.text())));
            }
        }
        List<ThreadNode> threads = references ? threader.threads() : Threads.orderedSubject(ordered);
        StringBuilder sb = new StringBuilder("* THREAD");
        if (!threads.isEmpty()) {
            sb.append(' ');
            Threads.write(threads, sb);
        }
        s.reply(sb.toString());
        s.sync(r.uid());
        s.reply(r.tag() + " OK THREAD completed");
    }

    /** The parent candidates of RFC 5256 REFERENCES (1): References' msg-ids, else In-Reply-To's first. */
    static List<String> references(MessageStructure st) {
        if (st == null) {
            return List.of();
        }
        for (HeaderField f : st.headers()) {
            if (f.name().equalsIgnoreCase("References")) {
                List<String> ids = MessageIds.last(f.value(), ReferencesThreader.MAX_REFERENCES);
                if (!ids.isEmpty()) {
                    return ids;
                }
                break;
            }
        }
        String parent = st.envelope() == null ? null : MessageIds.first(st.envelope().inReplyTo());
        return parent == null ? List.of() : List.of(parent);
    }
}
