package org.postrider.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postrider.api.store.Envelope;
import org.postrider.api.store.Envelope.Address;
import org.postrider.api.store.MessageMeta;
import org.postrider.api.store.MessageStructure;
import org.postrider.imap.parse.SortRequest;
import org.postrider.imap.parse.SortRequest.Criterion;
import org.postrider.imap.parse.SortRequest.Key;

class SortOrderTest {
    private static final Set<Key> ALL = EnumSet.allOf(Key.class);
    private final List<SortableMessage> folder = new ArrayList<>();

    /** Message number n (UID 100 + n) arrived at minute {@code arrival}, sent at minute {@code sent} (null: no Date). */
    private void add(long arrival, Integer sent, long size, String subject, List<Address> from, List<Address> to,
            List<Address> cc) {
        int n = folder.size() + 1;
        MessageMeta meta = new MessageMeta(100 + n, size, Set.of(), Set.of(), 1, Instant.ofEpochSecond(arrival * 60));
        Envelope e = new Envelope(null, subject, from, from, from, to, cc, null, null, null);
        MessageStructure st = new MessageStructure(e, null, sent == null ? null : Instant.ofEpochSecond(sent * 60L),
                List.of(), false);
        folder.add(SortableMessage.of(n, n, meta, st, ALL));
    }

    private static List<Address> addr(String name, String mailbox, String host) {
        return List.of(new Address(name, null, mailbox, host));
    }

    private String sort(Criterion... criteria) {
        List<SortableMessage> l = new ArrayList<>(folder);
        l.sort(SortOrder.of(List.of(criteria)));
        StringBuilder sb = new StringBuilder();
        l.forEach(m -> sb.append(sb.isEmpty() ? "" : " ").append(m.id()));
        return sb.toString();
    }

    private static Criterion k(Key key) {
        return new Criterion(key, false);
    }

    private static Criterion rev(Key key) {
        return new Criterion(key, true);
    }

    private void sample() {
        add(5, 30, 300, "Re: beta", addr("Zed", "zed", "x"), addr(null, "Bob", "y"), null);
        add(4, null, 100, "alpha", addr(null, "amy", "x"), addr("=?utf-8?q?=C3=84rger?=", "carl", "y"), addr(null, "c", "z"));
        add(3, 10, 200, "[list] Beta", addr("Ann", "Mia", "x"), addr("Bob", "dan", "y"), null);
        add(2, 10, 100, "(no subject) (fwd)", List.of(), null, addr(null, "a", "z"));
    }

    @Test
    void eachKey() {
        sample();
        assertEquals("4 3 2 1", sort(k(Key.ARRIVAL)));
        // sent: 3 and 4 at minute 10 (by number), 1 at 30, 2 has no Date: its arrival (minute 4 = 240 s) comes first
        assertEquals("2 3 4 1", sort(k(Key.DATE)));
        assertEquals("2 4 3 1", sort(k(Key.SIZE)));
        // base subjects: "beta", "alpha", "Beta", "(no subject)"
        assertEquals("4 2 1 3", sort(k(Key.SUBJECT)));
        // from mailboxes: zed, amy, Mia, none ("")
        assertEquals("4 2 3 1", sort(k(Key.FROM)));
        // to mailboxes: Bob, carl, dan, none
        assertEquals("4 1 2 3", sort(k(Key.TO)));
        // cc mailboxes: none, c, none, a
        assertEquals("1 3 4 2", sort(k(Key.CC)));
        // display names: Zed, amy (no name: addr-spec amy@x), Ann, ""
        assertEquals("4 2 3 1", sort(k(Key.DISPLAYFROM)));
        // display to: Bob@y (no name), Ärger (decoded; Ä sorts after ASCII), Bob, ""
        assertEquals("4 3 1 2", sort(k(Key.DISPLAYTO)));
    }

    @Test
    void reverseAndSecondaryKeysAndTies() {
        sample();
        assertEquals("1 2 3 4", sort(rev(Key.ARRIVAL)));
        // subject ties (1 and 3 share "BETA") broken by the next key, then by number
        assertEquals("4 2 3 1", sort(k(Key.SUBJECT), k(Key.SIZE)));
        assertEquals("4 2 1 3", sort(k(Key.SUBJECT), rev(Key.SIZE)));
        // REVERSE does not reverse the final tie-break by number
        assertEquals("1 3 4 2", sort(rev(Key.DATE)));
        assertEquals("1 3 2 4", sort(rev(Key.SIZE)));
    }

    @Test
    void onlyTheKeysAskedForAreKept() {
        MessageMeta meta = new MessageMeta(7, 10, Set.of(), Set.of(), 1, Instant.EPOCH);
        Envelope e = new Envelope(null, "Re: x", addr(null, "a", "b"), null, null, null, null, null, null, null);
        SortableMessage m = SortableMessage.of(7, 1, meta, new MessageStructure(e, null, null, List.of(), false),
                EnumSet.of(Key.SUBJECT));
        assertEquals("X", m.subject());
        assertEquals("", m.from());
        SortableMessage gone = SortableMessage.of(7, 1, meta, null, EnumSet.allOf(Key.class));
        assertEquals("", gone.subject(), "expunged meanwhile: empty keys, arrival as sent date");
        assertEquals(0, gone.sent());
    }

    @Test
    void groupsAreNoMailboxes() {
        List<Address> group = List.of(new Address(null, null, "team", null), new Address("Zoe", null, "zoe", "x"),
                new Address(null, null, null, null));
        assertEquals("zoe", SortableMessage.mailbox(group));
        assertEquals("Zoe", SortableMessage.display(group));
        assertEquals("", SortableMessage.mailbox(List.of(new Address(null, null, "empty", null),
                new Address(null, null, null, null))));
        assertEquals("local", SortableMessage.display(List.of(new Address(" ", null, "local", ""))));
    }
}
