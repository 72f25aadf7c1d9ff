package org.postrider.imap.command;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.SpecialUse;
import org.postrider.imap.parse.ImapSyntaxException;

/** The argument checks of CREATE (USE), STATUS and ID, on what the parser makes of real lines. */
class MailboxArgsTest {
    @Test
    void createUseParameterGivesTheAttributesAndTheirSpecialUse() throws Exception {
        assertEquals(List.of("\\Sent"), Create.uses(Args.list("a CREATE x (USE (\\Sent))")));
        assertEquals(List.of(), Create.uses(Args.list("a CREATE x (use ())")));
        assertEquals(List.of("\\Junk", "\\Trash"), Create.uses(Args.list("a CREATE x (USE (\\Junk \\Trash))")));
        assertEquals(SpecialUse.SENT, Create.specialUse("\\sENT"));
        assertEquals(SpecialUse.ALL, Create.specialUse("\\All"));
        assertNull(Create.specialUse("\\Important"));
        assertNull(Create.specialUse("Sent"));
    }

    @Test
    void createRefusesOtherParametersAndNonAttributes() {
        for (String line : List.of("a CREATE x (FOO (\\Sent))", "a CREATE x (USE)", "a CREATE x (USE \\Sent)",
                "a CREATE x (USE (Sent))", "a CREATE x (USE (\"\\\\Sent\"))", "a CREATE x ()",
                "a CREATE x (USE (\\Sent) USE (\\Junk))")) {
            assertThrows(ImapSyntaxException.class, () -> Create.uses(Args.list(line)), line);
        }
    }

    @Test
    void statusItemsAreKnownUpperCasedOnceEachInOrder() throws Exception {
        assertEquals(List.of("UIDNEXT", "MESSAGES", "DELETED", "SIZE"),
                Status.items(Args.list("a STATUS x (uidnext MESSAGES Deleted size MESSAGES)")));
        for (String line : List.of("a STATUS x ()", "a STATUS x (MESSAGES BOGUS)", "a STATUS x (\"MESSAGES\")",
                "a STATUS x ((MESSAGES))")) {
            assertThrows(ImapSyntaxException.class, () -> Status.items(Args.list(line)), line);
        }
    }

    @Test
    void idTakesNilOrBoundedPairsOfStrings() {
        assertDoesNotThrow(() -> Id.check(Args.of("a ID NIL").get(0)));
        assertDoesNotThrow(() -> Id.check(Args.of("a ID (\"name\" \"imaplib\" \"version\" NIL)").get(0)));
        assertDoesNotThrow(() -> Id.check(Args.of("a ID ()").get(0)));
        StringBuilder pairs = new StringBuilder("a ID (");
        for (int i = 0; i < 31; i++) {
            pairs.append("\"f").append(i).append("\" \"v\" ");
        }
        for (String line : List.of("a ID (\"name\")", "a ID (NIL \"x\")", "a ID (name \"x\")", "a ID \"name\"",
                "a ID (\"" + "f".repeat(31) + "\" \"x\")", "a ID (\"f\" \"" + "v".repeat(1025) + "\")",
                pairs.toString().trim() + ")")) {
            assertThrows(ImapSyntaxException.class, () -> Id.check(Args.of(line).get(0)), line);
        }
    }
}
