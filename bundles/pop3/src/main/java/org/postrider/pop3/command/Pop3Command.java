package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/**
 * One POP3 command: its keyword, the states it is allowed in (the dispatcher checks, so the
 * command does not), the capability line it adds to CAPA, and its execution.
 */
public interface Pop3Command {
    String keyword();

    Set<Pop3Session.State> states();

    /** The CAPA line this command contributes in this session now, or null. */
    default String capability(Pop3Session session) {
        return null;
    }

    void execute(Pop3Session session, Pop3Request request) throws IOException;

    Set<Pop3Session.State> AUTHORIZATION = Set.of(Pop3Session.State.AUTHORIZATION);
    Set<Pop3Session.State> TRANSACTION = Set.of(Pop3Session.State.TRANSACTION);
    Set<Pop3Session.State> ANY = Set.of(Pop3Session.State.AUTHORIZATION, Pop3Session.State.TRANSACTION);
}
