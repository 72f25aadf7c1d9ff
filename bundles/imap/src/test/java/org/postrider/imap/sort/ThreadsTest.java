package org.postrider.imap.sort;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadsTest {
    /** Messages numbered from 1, each sent one minute after the previous unless told. */
    private static final class Folder {
        final ReferencesThreader threader = new ReferencesThreader();
        int number;

        Folder add(String subject, String messageId, String references) {
            return add(number + 1, number + 1, subject, messageId, references);
        }

        Folder add(long id, long minute, String subject, String messageId, String references) {
            number++;
            threader.add(id, number, minute * 60_000, BaseSubject.of(subject), MessageIds.first(messageId),
                    MessageIds.last(references, ReferencesThreader.MAX_REFERENCES));
            return this;
        }

        String thread() {
            return write(threader.threads());
        }
    }

    private static String write(List<ThreadNode> threads) {
        StringBuilder sb = new StringBuilder();
        Threads.write(threads, sb);
        return sb.toString();
    }

    @Test
    void chainsSiblingsAndTheRfcShapeOfNesting() {
        assertEquals("(1 2 3)", new Folder().add("a", "<1@x>", null).add("Re: a", "<2@x>", "<1@x>")
                .add("Re: a", "<3@x>", "<1@x> <2@x>").thread());
        assertEquals("(1 (2)(3))", new Folder().add("a", "<1@x>", null).add("Re: a", "<2@x>", "<1@x>")
                .add("Re: a", "<3@x>", "<1@x>").thread());
        // RFC 5256 4: (3 6 (4 23)(44 7 96)), with UIDs as ids
        Folder f = new Folder();
        f.add(3, 1, "s", "<3@x>", null).add(6, 2, "Re: s", "<6@x>", "<3@x>")
                .add(4, 3, "Re: s", "<4@x>", "<3@x> <6@x>").add(23, 4, "Re: s", "<23@x>", "<3@x> <6@x> <4@x>")
                .add(44, 5, "Re: s", "<44@x>", "<3@x> <6@x>").add(7, 6, "Re: s", "<7@x>", "<6@x> <44@x>")
                .add(96, 7, "Re: s", "<96@x>", "<44@x> <7@x>");
        assertEquals("(3 6 (4 23)(44 7 96))", f.thread());
    }

    @Test
    void missingParentsBecomeDummiesThenArePruned() {
        // two replies to a message not in the folder: a dummy at the top holds them
        assertEquals("((1)(2))", new Folder().add("a", "<1@x>", "<0@x>").add("b", "<2@x>", "<0@x>").thread());
        // one reply to a missing message: promoted to the top
        assertEquals("(1)", new Folder().add("a", "<1@x>", "<0@x>").thread());
        // a missing message in the middle of a chain: the dummy goes, its child moves up
        assertEquals("(1 2)", new Folder().add("a", "<1@x>", null).add("b", "<2@x>", "<1@x> <gone@x>").thread());
        // a missing message with two children under a present one: the children move up as siblings
        assertEquals("(1 (2)(3))", new Folder().add("a", "<1@x>", null).add("b", "<2@x>", "<1@x> <gone@x>")
                .add("c", "<3@x>", "<1@x> <gone@x>").thread());
    }

    @Test
    void inReplyToServesWithoutReferences() {
        Folder f = new Folder().add("a", "<1@x>", null);
        f.number++;
        f.threader.add(2, 2, 120_000, BaseSubject.of("b"), "2@x", List.of("1@x"));
        assertEquals("(1 2)", f.thread());
    }

    @Test
    void theLastReferenceIsTheParentEvenAgainstEarlierGuesses() {
        // the second message's references make <2@x> a child of the first; <2@x> itself (number 3)
        // names <4@x> (number 4) as its parent, which wins
        Folder f = new Folder().add("a", "<1@x>", null).add("c", "<3@x>", "<1@x> <2@x>")
                .add("b", "<2@x>", "<4@x>").add("d", "<4@x>", null);
        assertEquals("(1)(4 3 2)", f.thread());
    }

    @Test
    void loopsInReferencesAreNotFollowed() {
        // 1 says it answers 2, 2 says it answers 1
        assertEquals("(2 1)", new Folder().add("a", "<a@x>", "<b@x>").add("b", "<b@x>", "<a@x>").thread());
        // a message referring to itself
        assertEquals("(1)", new Folder().add("a", "<a@x>", "<a@x>").thread());
        // references that loop among themselves: p stays the parent, a dummy over both messages
        assertEquals("((1)(2))", new Folder().add("a", "<1@x>", "<p@x> <q@x> <p@x>").add("b", "<2@x>", "<q@x> <p@x>")
                .thread());
    }

    @Test
    void duplicateMessageIdsAreThreadedApart() {
        // the first message owns the id; the second is on its own; replies go to the first
        assertEquals("(1 3)(2)", new Folder().add("a", "<d@x>", null).add("b", "<d@x>", null)
                .add("Re: a", "<3@x>", "<d@x>").thread());
        assertEquals("(1)(2)(3)", new Folder().add("a", null, null).add("b", null, null).add("c", "junk", null).thread());
    }

    @Test
    void subjectsMergeThreadsAtTheTop() {
        // a reply without references goes under the original
        assertEquals("(1 2)", new Folder().add("Hello", "<1@x>", null).add("Re: Hello", "<2@x>", null).thread());
        // two originals: a dummy over both
        assertEquals("((1)(2))", new Folder().add("Hello", "<1@x>", null).add("hello", "<2@x>", null).thread());
        // the original is preferred even when the reply is older
        assertEquals("(2 1)", new Folder().add("Re: Hello", "<1@x>", null).add("Hello", "<2@x>", null).thread());
        // a dummy thread with that subject takes the message as one more child
        assertEquals("((1)(2)(3))", new Folder().add("Hello", "<1@x>", "<0@x>").add("Re: Hello", "<2@x>", "<0@x>")
                .add("Hello", "<3@x>", null).thread());
        // empty subjects never merge
        assertEquals("(1)(2)", new Folder().add("", "<1@x>", null).add("Re:", "<2@x>", null).thread());
    }

    @Test
    void threadsAndSiblingsGoBySentDateThenNumber() {
        Folder f = new Folder();
        f.add(1, 50, "x", "<1@x>", null).add(2, 10, "y", "<2@x>", null).add(3, 40, "Re: x", "<3@x>", "<1@x>")
                .add(4, 30, "Re: x", "<4@x>", "<1@x>").add(5, 10, "z", "<5@x>", null);
        assertEquals("(2)(5)(1 (4)(3))", f.thread());
    }

    @Test
    void orderedSubject() {
        List<Threads.Message> m = new ArrayList<>();
        m.add(message(1, 1, "A"));
        m.add(message(2, 2, "B"));
        m.add(message(3, 3, "Re: A"));
        m.add(message(4, 0, "re: b"));
        m.add(message(5, 5, "C"));
        m.add(message(6, 6, "[list] A"));
        assertEquals("(4 2)(1 (3)(6))(5)", write(Threads.orderedSubject(m)));
        assertEquals("", write(Threads.orderedSubject(List.of())));
    }

    private static Threads.Message message(int n, long minute, String subject) {
        return new Threads.Message(n, n, minute * 60_000, Collation.key(BaseSubject.of(subject).text()));
    }

    @Test
    void deepThreadsCostNoStack() {
        int n = 200_000;
        Folder f = new Folder();
        f.add("s", "<0@x>", null);
        for (int i = 1; i < n; i++) {
            f.add("Re: s", "<" + i + "@x>", "<" + (i - 1) + "@x>");
        }
        String out = f.thread();
        assertTrue(out.startsWith("(1 2 3 4 "), out.substring(0, 20));
        assertTrue(out.endsWith(" " + (n - 1) + " " + n + ")"));
    }

    @Test
    void chainsArrivingBackwardsStayLinearAndCorrect() {
        int n = 50_000;
        Folder f = new Folder();
        long t0 = System.nanoTime();
        for (int i = n - 1; i >= 0; i--) {
            f.add(n - i, i, "s", "<" + i + "@x>", i == 0 ? null : "<" + (i - 1) + "@x>");
        }
        String out = f.thread();
        StringBuilder expected = new StringBuilder("(");
        for (int i = 0; i < n; i++) {
            expected.append(i == 0 ? "" : " ").append(n - i);
        }
        assertEquals(expected.append(')').toString(), out);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 20, "at most 20 s");
    }

    @Test
    void hostileLoopChecksStayWithinTheirBudget() {
        // a deep chain, then many messages whose references try to hang its root below its bottom
        int n = 20_000;
        Folder f = new Folder();
        f.add("s", "<0@x>", null);
        for (int i = 1; i < n; i++) {
            f.add("s", "<" + i + "@x>", "<" + (i - 1) + "@x>");
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            f.add("t", "<h" + i + "@x>", "<" + (n - 1) + "@x> <0@x> <" + (n - 1) + "@x> <0@x>");
        }
        f.thread();
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 20, "at most 20 s");
    }
}
