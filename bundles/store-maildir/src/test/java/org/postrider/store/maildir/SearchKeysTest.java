package org.postrider.store.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.message.MessageContent;
import org.postrider.api.store.Flag;
import org.postrider.api.store.FlagChange;
import org.postrider.api.store.FolderRef;
import org.postrider.api.store.SearchKey;
import org.postrider.api.store.SearchKey.DateOp;
import org.postrider.api.store.UidSet;

/**
 * Every SEARCH key of RFC 3501 6.4.4 and RFC 9051 6.4.4 (and MODSEQ, RFC 7162) on a folder of
 * seven crafted messages, each key as the IMAP parser makes it (BCC...TO are HEADER keys; UID,
 * message numbers and RECENT, NEW and OLD are UID sets the session resolves, \Recent being the
 * store's {@link MaildirStore#claimRecent}), with the exact UIDs it must find. The RFC's
 * semantics: BEFORE, ON and SINCE compare the internal date's day, SENT* the Date field's day
 * as written, both disregarding time and timezone; strings match as case-insensitive
 * substrings of decoded text; LARGER and SMALLER are strict. Each key is asked once of a store
 * that has cached nothing (the structures parsed from the files), and all of them again once
 * every structure is cached (header and date keys answered from the cache's octets).
 */
class SearchKeysTest {
    private static final String USER = "alice@example.org";
    private static final FolderRef INBOX = FolderRef.of(USER, "INBOX");
    private static final ZoneId ZONE = ZoneId.systemDefault();

    @TempDir
    Path root;

    /** One message: its text (lines joined with CRLF), internal date in the server's zone, flags, keywords. */
    private record Msg(String text, LocalDateTime internal, Set<Flag> flags, Set<String> keywords) {
        byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    private record Case(String name, SearchKey key, UidSet expected) {
    }

    /** A folder as built: its store, the sizes of its messages (UID i at i - 1) and what cases need of it. */
    private record Folder(MaildirStore store, long[] sizes, UidSet recent, long modSeq2, long modSeq7) {
    }

    private static String lines(String... lines) {
        return String.join("\r\n", lines) + "\r\n";
    }

    private static String b64(String s) {
        return Base64.getMimeEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static LocalDateTime at(int day, int hour, int minute, int second) {
        return LocalDateTime.of(2026, 3, day, hour, minute, second);
    }

    private static final List<Msg> MESSAGES = List.of(
            new Msg(lines("Date: Sun, 1 Mar 2026 08:00:00 +0000", "From: Alice Able <alice@example.org>",
                    "To: bob@example.net", "Subject: Quarterly report (no needle)", "Message-ID: <m1@example.org>",
                    "", "Numbers attached."),
                    at(1, 0, 30, 0), Set.of(Flag.SEEN, Flag.ANSWERED), Set.of("$Work")),
            // sent late on 2 March at -0800: 3 March in UTC
            new Msg(lines("Date: Mon, 2 Mar 2026 23:30:00 -0800", "From: \"Bob Baker\" <bob@example.net>",
                    "To: alice@example.org", "Cc: carol@example.com", "Subject: Re: Quarterly report",
                    "In-Reply-To: <m1@example.org>", "", "The NEEDLE is here."),
                    at(2, 23, 59, 59), Set.of(), Set.of("$Work", "Urgent")),
            // no day of week, no seconds, 2 March in UTC; the needle split by a soft line break
            new Msg(lines("Date: 3 Mar 2026 00:15 +0900", "From: carol@example.com", "To: dave@example.net",
                    "Bcc: eve@example.org", "Subject: =?UTF-8?Q?Caf=C3=A9_menu?=", "MIME-Version: 1.0",
                    "Content-Type: multipart/alternative; boundary=\"b1\"", "", "--b1",
                    "Content-Type: text/plain; charset=ISO-8859-1", "Content-Transfer-Encoding: quoted-printable",
                    "", "Le caf=E9 est pr=EAt, a nee=", "dle inside.", "--b1",
                    "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: base64", "",
                    b64("<p>Haystack only</p>\r\n"), "--b1--"),
                    at(3, 12, 0, 0), Set.of(Flag.DRAFT), Set.of()),
            new Msg(lines("From: dave@example.net", "To: Alice <alice@example.org>", "Subject: big one", "",
                    ("filler ".repeat(10) + "\r\n").repeat(40)),
                    at(4, 12, 0, 0), Set.of(Flag.DELETED, Flag.SEEN), Set.of()),
            // an obsolete zone name, late: 5 March in UTC; a folded Cc
            new Msg(lines("Date: Wed, 4 Mar 2026 22:00:00 EST", "From: Eve <eve@example.org>",
                    "To: undisclosed-recipients:;", "Cc: alice@example.org,", " \"Frank\" <frank@example.net>",
                    "Subject: Lunch plans", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
                    "Content-Transfer-Encoding: quoted-printable", "", "Gr=C3=BC=C3=9Fe aus K=C3=B6ln"),
                    at(5, 12, 0, 0), Set.of(), Set.of("Urgent")),
            // a two-digit year, late at -0500: 7 March in UTC
            new Msg(lines("Date: Fri, 6 Mar 26 21:00:00 -0500 (EST)", "From: frank@example.net", "To: bob@example.net",
                    "Subject: SALE", "X-Spam-Flag: YES", "MIME-Version: 1.0",
                    "Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: base64", "",
                    b64("Big needle sale, today only.\r\n")),
                    at(6, 0, 0, 0), Set.of(), Set.of()),
            // no Subject; 8-bit UTF-8 in a header field
            new Msg(lines("Date: Sat, 7 Mar 2026 12:00:00 +0000", "From: BOB@example.net", "To: carol@example.com",
                    "X-Spam-Flag: NO", "X-Note: Grüße, raw", "", "Nothing to see."),
                    at(7, 12, 0, 0), Set.of(Flag.SEEN), Set.of()));

    /**
     * Appends the messages to a new store in {@code dir}: the first five seen as \Recent by a
     * session before the last two come, which another session then claims (its RECENT);
     * message 2 flagged last, so that its MODSEQ is the highest.
     */
    private static Folder build(Path dir) throws Exception {
        MaildirStore store = new MaildirStore(dir, "athena", 1000);
        long[] sizes = new long[MESSAGES.size()];
        UidSet recent = null;
        for (int i = 0; i < MESSAGES.size(); i++) {
            if (i == 5) {
                store.claimRecent(INBOX);
            }
            Msg m = MESSAGES.get(i);
            sizes[i] = m.bytes().length;
            long uid = store.append(INBOX, MessageContent.of(m.bytes()), m.flags(), m.keywords(),
                    m.internal().atZone(ZONE).toInstant()).uid();
            assertEquals(i + 1, uid);
        }
        recent = store.claimRecent(INBOX);
        store.changeFlags(INBOX, UidSet.of(2), FlagChange.ADD, Set.of(Flag.FLAGGED), Set.of(), -1);
        long[] modSeq = new long[8];
        store.messages(INBOX, UidSet.range(1, 7)).forEach(m -> modSeq[(int) m.uid()] = m.modSeq());
        return new Folder(store, sizes, recent, modSeq[2], modSeq[7]);
    }

    private static UidSet uids(long... uids) {
        return UidSet.of(uids);
    }

    private static SearchKey flag(Flag f, boolean set) {
        return new SearchKey.HasFlag(f, set);
    }

    private static SearchKey header(String field, String text) {
        return new SearchKey.Header(field, text);
    }

    private static SearchKey and(SearchKey... keys) {
        return new SearchKey.And(List.of(keys));
    }

    private static LocalDate march(int day) {
        return LocalDate.of(2026, 3, day);
    }

    /** The UIDs whose size compares strictly with {@code octets}. */
    private static UidSet sized(long[] sizes, long octets, boolean larger) {
        UidSet.Builder b = new UidSet.Builder();
        for (int i = 0; i < sizes.length; i++) {
            if (larger ? sizes[i] > octets : sizes[i] < octets) {
                b.add(i + 1);
            }
        }
        return b.build();
    }

    private static List<Case> cases(Folder f) {
        SearchKey recent = new SearchKey.Uids(f.recent());
        long big = f.sizes()[3];
        long small = f.sizes()[6];
        List<Case> c = new ArrayList<>(List.of(
                new Case("ALL", new SearchKey.All(), UidSet.range(1, 7)),
                new Case("ANSWERED", flag(Flag.ANSWERED, true), uids(1)),
                new Case("UNANSWERED", flag(Flag.ANSWERED, false), UidSet.range(2, 7)),
                new Case("DELETED", flag(Flag.DELETED, true), uids(4)),
                new Case("UNDELETED", flag(Flag.DELETED, false), uids(1, 2, 3, 5, 6, 7)),
                new Case("DRAFT", flag(Flag.DRAFT, true), uids(3)),
                new Case("UNDRAFT", flag(Flag.DRAFT, false), uids(1, 2, 4, 5, 6, 7)),
                new Case("FLAGGED", flag(Flag.FLAGGED, true), uids(2)),
                new Case("UNFLAGGED", flag(Flag.FLAGGED, false), uids(1, 3, 4, 5, 6, 7)),
                new Case("SEEN", flag(Flag.SEEN, true), uids(1, 4, 7)),
                new Case("UNSEEN", flag(Flag.SEEN, false), uids(2, 3, 5, 6)),
                new Case("KEYWORD $Work", new SearchKey.HasKeyword("$Work", true), uids(1, 2)),
                new Case("KEYWORD Urgent", new SearchKey.HasKeyword("Urgent", true), uids(2, 5)),
                new Case("KEYWORD $None", new SearchKey.HasKeyword("$None", true), uids()),
                new Case("UNKEYWORD $Work", new SearchKey.HasKeyword("$Work", false), UidSet.range(3, 7)),
                new Case("UNKEYWORD $None", new SearchKey.HasKeyword("$None", false), UidSet.range(1, 7)),
                new Case("RECENT", recent, uids(6, 7)),
                new Case("NEW", and(recent, flag(Flag.SEEN, false)), uids(6)),
                new Case("OLD", new SearchKey.Not(recent), UidSet.range(1, 5)),
                new Case("BCC EVE@", header("BCC", "EVE@"), uids(3)),
                new Case("BCC \"\"", header("BCC", ""), uids(3)),
                new Case("CC carol", header("CC", "carol"), uids(2)),
                new Case("CC alice", header("CC", "alice"), uids(5)),
                new Case("CC across a fold", header("CC", "example.org, \"FRANK\""), uids(5)),
                new Case("CC \"\"", header("CC", ""), uids(2, 5)),
                new Case("FROM bob baker", header("FROM", "bob baker"), uids(2)),
                new Case("FROM bob@example.net", header("FROM", "bob@example.net"), uids(2, 7)),
                new Case("FROM example.org", header("FROM", "example.org"), uids(1, 5)),
                new Case("TO alice", header("TO", "alice"), uids(2, 4)),
                new Case("TO bob@", header("TO", "bob@"), uids(1, 6)),
                new Case("TO undisclosed", header("TO", "Undisclosed"), uids(5)),
                new Case("SUBJECT quarterly", header("SUBJECT", "quarterly"), uids(1, 2)),
                new Case("SUBJECT CAFÉ (CHARSET UTF-8)", header("SUBJECT", "CAFÉ"), uids(3)),
                new Case("SUBJECT café menu", header("SUBJECT", "café menu"), uids(3)),
                new Case("SUBJECT \"\"", header("SUBJECT", ""), UidSet.range(1, 6)),
                new Case("HEADER x-spam-flag \"\"", header("x-spam-flag", ""), uids(6, 7)),
                new Case("HEADER X-SPAM-FLAG yes", header("X-SPAM-FLAG", "yes"), uids(6)),
                new Case("HEADER In-Reply-To <m1@", header("In-Reply-To", "<m1@"), uids(2)),
                new Case("HEADER Message-ID \"\"", header("Message-ID", ""), uids(1)),
                new Case("HEADER X-Note GRÜße (8-bit)", header("X-Note", "GRÜße"), uids(7)),
                new Case("HEADER X-None \"\"", header("X-None", ""), uids()),
                new Case("BODY needle", new SearchKey.Body("needle"), uids(2, 3, 6)),
                new Case("BODY haystack (base64 html part)", new SearchKey.Body("HAYSTACK"), uids(3)),
                new Case("BODY CAFÉ EST (quoted-printable latin-1)", new SearchKey.Body("CAFÉ EST"), uids(3)),
                new Case("BODY grüße aus köln", new SearchKey.Body("grüße aus KÖLN"), uids(5)),
                new Case("BODY quarterly (header only)", new SearchKey.Body("quarterly"), uids()),
                new Case("TEXT needle", new SearchKey.Text("needle"), uids(1, 2, 3, 6)),
                new Case("TEXT grüße", new SearchKey.Text("GRÜße"), uids(5, 7)),
                new Case("TEXT x-spam-flag: yes", new SearchKey.Text("x-spam-flag: yes"), uids(6)),
                new Case("LARGER 0", new SearchKey.Larger(0), UidSet.range(1, 7)),
                new Case("LARGER big - 1", new SearchKey.Larger(big - 1), uids(4)),
                new Case("LARGER big", new SearchKey.Larger(big), uids()),
                new Case("LARGER small", new SearchKey.Larger(small), sized(f.sizes(), small, true)),
                new Case("SMALLER small + 1", new SearchKey.Smaller(small + 1), sized(f.sizes(), small + 1, false)),
                new Case("SMALLER small", new SearchKey.Smaller(small), sized(f.sizes(), small, false)),
                new Case("SMALLER big", new SearchKey.Smaller(big), uids(1, 2, 3, 5, 6, 7)),
                new Case("BEFORE 1-Mar", new SearchKey.Received(DateOp.BEFORE, march(1)), uids()),
                new Case("BEFORE 3-Mar", new SearchKey.Received(DateOp.BEFORE, march(3)), uids(1, 2)),
                new Case("ON 1-Mar", new SearchKey.Received(DateOp.ON, march(1)), uids(1)),
                new Case("ON 2-Mar", new SearchKey.Received(DateOp.ON, march(2)), uids(2)),
                new Case("ON 6-Mar", new SearchKey.Received(DateOp.ON, march(6)), uids(6)),
                new Case("SINCE 6-Mar", new SearchKey.Received(DateOp.SINCE, march(6)), uids(6, 7)),
                new Case("SINCE 1-Mar", new SearchKey.Received(DateOp.SINCE, march(1)), UidSet.range(1, 7)),
                new Case("SINCE 2-Mar BEFORE 4-Mar", and(new SearchKey.Received(DateOp.SINCE, march(2)),
                        new SearchKey.Received(DateOp.BEFORE, march(4))), uids(2, 3)),
                new Case("SENTBEFORE 3-Mar", new SearchKey.Sent(DateOp.BEFORE, march(3)), uids(1, 2)),
                new Case("SENTBEFORE 2-Mar", new SearchKey.Sent(DateOp.BEFORE, march(2)), uids(1)),
                new Case("SENTON 2-Mar (-0800 late)", new SearchKey.Sent(DateOp.ON, march(2)), uids(2)),
                new Case("SENTON 3-Mar (+0900 early)", new SearchKey.Sent(DateOp.ON, march(3)), uids(3)),
                new Case("SENTON 4-Mar (EST late)", new SearchKey.Sent(DateOp.ON, march(4)), uids(5)),
                new Case("SENTON 5-Mar", new SearchKey.Sent(DateOp.ON, march(5)), uids()),
                new Case("SENTON 6-Mar (two-digit year, -0500 late)", new SearchKey.Sent(DateOp.ON, march(6)),
                        uids(6)),
                new Case("SENTSINCE 4-Mar", new SearchKey.Sent(DateOp.SINCE, march(4)), uids(5, 6, 7)),
                new Case("SENTSINCE 1-Mar (not without Date)", new SearchKey.Sent(DateOp.SINCE, march(1)),
                        uids(1, 2, 3, 5, 6, 7)),
                new Case("NOT SENTSINCE 1-Mar", new SearchKey.Not(new SearchKey.Sent(DateOp.SINCE, march(1))),
                        uids(4)),
                new Case("UID 2,4:5,99", new SearchKey.Uids(uids(2, 4, 5, 99)), uids(2, 4, 5)),
                new Case("NOT UID 2:4", new SearchKey.Not(new SearchKey.Uids(UidSet.range(2, 4))), uids(1, 5, 6, 7)),
                new Case("NOT SEEN", new SearchKey.Not(flag(Flag.SEEN, true)), uids(2, 3, 5, 6)),
                new Case("NOT BODY needle", new SearchKey.Not(new SearchKey.Body("needle")), uids(1, 4, 5, 7)),
                new Case("OR FLAGGED DRAFT", new SearchKey.Or(flag(Flag.FLAGGED, true), flag(Flag.DRAFT, true)),
                        uids(2, 3)),
                new Case("OR SUBJECT lunch BODY haystack", new SearchKey.Or(header("SUBJECT", "lunch"),
                        new SearchKey.Body("haystack")), uids(3, 5)),
                new Case("OR (SEEN KEYWORD $Work) NOT OR BODY needle SENTBEFORE 2-Mar", new SearchKey.Or(
                        and(flag(Flag.SEEN, true), new SearchKey.HasKeyword("$Work", true)),
                        new SearchKey.Not(new SearchKey.Or(new SearchKey.Body("needle"),
                                new SearchKey.Sent(DateOp.BEFORE, march(2))))), uids(1, 4, 5, 7)),
                new Case("(SEEN SINCE 3-Mar)", and(flag(Flag.SEEN, true),
                        new SearchKey.Received(DateOp.SINCE, march(3))), uids(4, 7)),
                new Case("(UNSEEN FROM example NOT HEADER X-Spam-Flag \"\")", and(flag(Flag.SEEN, false),
                        header("FROM", "example"), new SearchKey.Not(header("X-Spam-Flag", ""))), uids(2, 3, 5)),
                new Case("MODSEQ of 2", new SearchKey.ModSeq(f.modSeq2()), uids(2)),
                new Case("MODSEQ of 7", new SearchKey.ModSeq(f.modSeq7()), uids(2, 7)),
                new Case("MODSEQ 1", new SearchKey.ModSeq(1), UidSet.range(1, 7))));
        return c;
    }

    @Test
    void everyKeyFindsExactlyItsMessagesFromTheFiles() throws Exception {
        Folder probe = build(root.resolve("probe"));
        int n = cases(probe).size();
        probe.store().deactivate();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Folder f = build(root.resolve("cold" + i)); // nothing cached: each key parses the files
            try {
                Case c = cases(f).get(i);
                UidSet got = f.store().search(INBOX, c.key(), null);
                if (!got.equals(c.expected())) {
                    wrong.add(c.name() + ": " + got + " for " + c.expected());
                }
            } finally {
                f.store().deactivate();
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyKeyFindsExactlyItsMessagesFromTheCache() throws Exception {
        Folder f = build(root);
        try {
            for (long uid = 1; uid <= 7; uid++) {
                f.store().structure(INBOX, uid);
            }
            List<String> wrong = new ArrayList<>();
            for (Case c : cases(f)) {
                UidSet got = f.store().search(INBOX, c.key(), null);
                if (!got.equals(c.expected())) {
                    wrong.add(c.name() + ": " + got + " for " + c.expected());
                }
            }
            assertEquals(List.of(), wrong);
            assertEquals(uids(2, 3, 4), f.store().search(INBOX, new SearchKey.All(), UidSet.range(2, 4)), "within");
            assertEquals(uids(3), f.store().search(INBOX, new SearchKey.Body("needle"), UidSet.range(3, 5)), "within");
        } finally {
            f.store().deactivate();
        }
    }

    /**
     * A message another program wrote with LF line ends, its size never counted: LARGER and
     * SMALLER compare its RFC822.SIZE, the size of its CRLF view (a line longer each line),
     * strictly; BODY, HEADER and SENTON read it as any other.
     */
    @Test
    void aForeignLfMessageIsComparedAtItsCrlfSize() throws Exception {
        MaildirStore store = new MaildirStore(root, "athena", 1000);
        try {
            store.folders(USER); // makes the mailbox
            String lf = "Date: Mon, 2 Mar 2026 23:30:00 -0800\nSubject: from procmail\n\nline one\nline two\n";
            java.nio.file.Files.writeString(store.userDir(USER).resolve("new").resolve("1700000000.procmail1.host"), lf,
                    StandardCharsets.US_ASCII);
            long crlf = lf.length() + lf.chars().filter(c -> c == '\n').count();
            UidSet one = store.uids(INBOX);
            assertEquals(1, one.size());
            assertEquals(one, store.search(INBOX, new SearchKey.Larger(crlf - 1), null));
            assertEquals(uids(), store.search(INBOX, new SearchKey.Larger(crlf), null));
            assertEquals(one, store.search(INBOX, new SearchKey.Smaller(crlf + 1), null));
            assertEquals(uids(), store.search(INBOX, new SearchKey.Smaller(crlf), null));
            assertEquals(crlf, store.messages(INBOX, one).get(0).size(), "RFC822.SIZE");
            assertEquals(one, store.search(INBOX, new SearchKey.Body("ONE\r\nLINE"), null));
            assertEquals(one, store.search(INBOX, header("Subject", "procmail"), null));
            assertEquals(one, store.search(INBOX, new SearchKey.Sent(DateOp.ON, march(2)), null));
        } finally {
            store.deactivate();
        }
    }

    /**
     * Header keys match the decoded, unfolded value: encoded words split across a fold joined,
     * a charset other than UTF-8, an empty field found by "" only, a tab after the colon; each
     * key asked once of a store that parses the file, then all of the cached structure.
     */
    @Test
    void headerKeysMatchTheDecodedUnfoldedValue() throws Exception {
        String text = lines("Subject: =?UTF-8?Q?Gr=C3=BC?=", " =?UTF-8?B?w59l?= und mehr",
                "From: =?ISO-8859-1?Q?J=F6rg?= <joerg@example.net>", "X-Empty:", "X-Tab:\tvalue with tab",
                "To: a@example.net, b@example.net,", "\tc@example.net", "", "body");
        List<Case> cases = List.of(
                new Case("SUBJECT grüße und", header("SUBJECT", "grüße und"), uids(1)),
                new Case("FROM jörg <joerg@", header("FROM", "JÖRG <joerg@"), uids(1)),
                new Case("HEADER X-Empty \"\"", header("X-Empty", ""), uids(1)),
                new Case("HEADER X-Empty x", header("X-Empty", "x"), uids()),
                new Case("HEADER X-Tab value with", header("X-Tab", "value with"), uids(1)),
                new Case("TO across a tab fold", header("TO", "b@example.net,\tc@"), uids(1)),
                new Case("TEXT grüße", new SearchKey.Text("grüße"), uids(1)));
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i <= cases.size(); i++) {
            MaildirStore store = new MaildirStore(root.resolve("h" + i), "athena", 1000);
            try {
                store.append(INBOX, MessageContent.of(text.getBytes(StandardCharsets.US_ASCII)), Set.of(), Set.of(),
                        java.time.Instant.now());
                // one key on a store that cached nothing; at the end, all of them on the cache
                for (Case c : i < cases.size() ? List.of(cases.get(i)) : cases) {
                    if (i == cases.size()) {
                        store.structure(INBOX, 1);
                    }
                    UidSet got = store.search(INBOX, c.key(), null);
                    if (!got.equals(c.expected())) {
                        wrong.add(c.name() + (i < cases.size() ? " (file)" : " (cache)") + ": " + got + " for "
                                + c.expected());
                    }
                }
            } finally {
                store.deactivate();
            }
        }
        assertEquals(List.of(), wrong);
    }
}
