package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.api.store.StoreException;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * One IMAP command: its name, the states it is allowed in (the session checks, so the
 * command does not), the capability it adds, and its execution. A syntax error is thrown as
 * {@link ImapSyntaxException} (BAD), a store failure as {@link StoreException} (NO).
 */
public interface ImapCommand {
    String name();

    Set<ImapSession.State> states();

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
