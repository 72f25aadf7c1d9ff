package org.postrider.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.postrider.imap.command.ImapCommand;
import org.postrider.imap.parse.ImapLimits;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapRequestParser;

/** The rules the session applies before a command runs, over every command the server has. */
class CommandRulesTest {
    /** RFC 9051 6.4.9 (COPY, MOVE, FETCH, SEARCH, STORE, EXPUNGE) and RFC 5256 (SORT, THREAD). */
    private static final Set<String> UID_FORMS = Set.of("COPY", "MOVE", "FETCH", "SEARCH", "STORE", "EXPUNGE",
            "SORT", "THREAD");

    private static final Map<String, ImapCommand> COMMANDS = ImapService.commandTable().stream()
            .collect(Collectors.toMap(ImapCommand::name, Function.identity()));

    @Test
    void exactlyTheCommandsWithAUidFormTakeTheUidPrefix() {
        assertEquals(UID_FORMS, COMMANDS.values().stream().filter(ImapCommand::takesUid).map(ImapCommand::name)
                .collect(Collectors.toSet()));
    }

    @Test
    void theUidPrefixBeforeAnyOtherCommandIsBadInEveryState() {
        for (ImapCommand c : COMMANDS.values()) {
            for (ImapSession.State state : ImapSession.State.values()) {
                String refused = ImapSession.refusal(c, parse("a UID " + c.name()), state);
                if (UID_FORMS.contains(c.name())) { // as without the prefix: the state decides
                    assertEquals(ImapSession.refusal(c, parse("a " + c.name()), state), refused, c.name());
                } else {
                    assertEquals("a BAD " + c.name() + " has no UID form", refused, c.name() + " in " + state);
                }
            }
        }
    }

    @Test
    void theCommandsThemselvesStillRunWithoutThePrefix() {
        assertNull(ImapSession.refusal(COMMANDS.get("NOOP"), parse("a NOOP"), ImapSession.State.SELECTED));
        assertNull(ImapSession.refusal(COMMANDS.get("SELECT"), parse("a SELECT INBOX"),
                ImapSession.State.AUTHENTICATED));
        assertNull(ImapSession.refusal(COMMANDS.get("LOGOUT"), parse("a LOGOUT"),
                ImapSession.State.NOT_AUTHENTICATED));
        assertNull(ImapSession.refusal(COMMANDS.get("EXPUNGE"), parse("a UID EXPUNGE 1:3"),
                ImapSession.State.SELECTED));
        assertEquals("a BAD unknown command UID BOGUS", ImapSession.refusal(null, parse("a UID BOGUS"),
                ImapSession.State.SELECTED));
        assertEquals("a BAD unknown command BOGUS", ImapSession.refusal(null, parse("a BOGUS"),
                ImapSession.State.SELECTED));
    }

    private static ImapRequest parse(String line) {
        ImapRequestParser p = new ImapRequestParser(ImapLimits.DEFAULTS);
        byte[] b = (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
        p.feed(b, 0, b.length);
        assertEquals(ImapRequestParser.Status.COMPLETE, p.status(), line);
        return p.take();
    }
}
