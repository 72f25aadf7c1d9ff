package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * One IMAP command: its name, the states it is allowed in and whether it has a UID form (the
 * session checks both, so the command does not), the capability it adds, and its execution. A syntax error is thrown as
 * {@link ImapSyntaxException} (BAD), a store failure as {@link StoreException} (NO).
 */
public interface ImapCommand {
    String name();

    Set<ImapSession.State> states();

    /**
     * Whether the command has a UID form ({@code UID FETCH}): the session refuses the prefix
     * before any other with BAD (RFC 9051 6.4.9 names COPY, MOVE, FETCH, SEARCH, STORE and
     * EXPUNGE; RFC 5256 adds SORT and THREAD).
     */
    default boolean takesUid() {
        return false;
    }

    /** The capability this command adds in this session now, or null. */
    default String capability(ImapSession session) {
        return null;
    }

    void execute(ImapSession session, ImapRequest request) throws IOException, ImapSyntaxException, StoreException;

    Set<ImapSession.State> ANY = Set.of(ImapSession.State.values());
    Set<ImapSession.State> NOT_AUTHENTICATED = Set.of(ImapSession.State.NOT_AUTHENTICATED);
    Set<ImapSession.State> AUTHENTICATED = Set.of(ImapSession.State.AUTHENTICATED, ImapSession.State.SELECTED);
    Set<ImapSession.State> SELECTED = Set.of(ImapSession.State.SELECTED);
}
