package org.postrider.imap.sort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * THREAD=REFERENCES (RFC 5256 3), step by step as the RFC numbers them. Messages are added
 * in sequence order; {@link #threads()} then returns the top-level threads in order. No
 * recursion anywhere: trees as deep as the folder is long cost heap, not stack.
 *
 * <p>Bounds: a message contributes at most {@link #MAX_REFERENCES} references (the last
 * ones, which hold its parent), so the id table is at most that many entries per message.
 * The loop checks climb ancestors; they share a budget proportional to the number of
 * messages, and a link whose check would pass it is not made (as for a loop): only a
 * folder built to make the checks quadratic gets a flatter tree than the RFC's.
 */
public final class ReferencesThreader {
    /** References kept per message: the last ones, the nearest ancestors. */
    public static final int MAX_REFERENCES = 32;
    private static final long BUDGET_PER_MESSAGE = 1000;

    private final Map<String, ThreadNode> byId = new HashMap<>();
    /** Every node made, messages and dummies, for step (2). */
    private final List<ThreadNode> all = new ArrayList<>();
    private long walkBudget = 1_000_000;

    /**
     * Step (1) for one message.
     *
     * @param messageId  the first msg-id of its Message-ID field, or null
     * @param references its References msg-ids ({@link MessageIds#last}), or else the first of In-Reply-To
     */
    public void add(long id, int number, long sent, BaseSubject subject, String messageId, List<String> references) {
        walkBudget += BUDGET_PER_MESSAGE;
        String folded = Collation.key(subject.text());
        ThreadNode self = messageId == null ? null : byId.get(messageId);
        if (self == null || !self.dummy()) {
            // no id, or a duplicate one: a node of its own that no reference reaches
            self = new ThreadNode();
            all.add(self);
            if (messageId != null && !byId.containsKey(messageId)) {
                byId.put(messageId, self);
            }
        }
        self.set(id, number, sent, folded, subject.replyOrForward());
        int n = Math.min(references.size(), MAX_REFERENCES);
        List<String> refs = references.subList(references.size() - n, references.size());
        // (1.A) each reference the parent of the next, where the child has none yet and no loop results
        ThreadNode prev = null;
        for (String ref : refs) {
            ThreadNode node = node(ref);
            if (prev != null && node.parent == null && !wouldLoop(prev, node)) {
                prev.add(node);
            }
            prev = node;
        }
        // (1.B) the last reference is the parent; a parent guessed from other messages' references gives way
        self.unlink();
        if (prev != null && !wouldLoop(prev, self)) {
            prev.add(self);
        }
    }

    private ThreadNode node(String id) {
        ThreadNode n = byId.get(id);
        if (n == null) {
            n = new ThreadNode();
            byId.put(id, n);
            all.add(n);
        }
        return n;
    }

    /** Whether making {@code child} a child of {@code parent} closes a loop (or the check is over budget). */
    private boolean wouldLoop(ThreadNode parent, ThreadNode child) {
        if (parent == child) {
            return true;
        }
        if (!child.hasChildren()) {
            return false; // a leaf is no one's ancestor
        }
        for (ThreadNode a = parent.parent; a != null; a = a.parent) {
            if (a == child) {
                return true;
            }
            if (--walkBudget < 0) {
                return true;
            }
        }
        return false;
    }

    /** Steps (2) to (6): the threads, sorted, with same-subject threads merged. */
    public List<ThreadNode> threads() {
        ThreadNode root = new ThreadNode();
        // (2) every parentless node under one root
        for (ThreadNode n : all) {
            if (n.parent == null) {
                root.add(n);
            }
        }
        byId.clear();
        all.clear();
        prune(root);
        // (4) top-level siblings by sent date, a dummy by its first child (sorted first)
        for (ThreadNode c = root.firstChild; c != null; c = c.next) {
            if (c.dummy()) {
                c.sortChildren();
            }
        }
        root.sortChildren();
        mergeSubjects(root);
        Threads.sortAll(root);
        return root.children();
    }

    /** (3): dummies without children go; others give their children to their parent, except at the root. */
    private static void prune(ThreadNode root) {
        List<ThreadNode> work = new ArrayList<>();
        work.add(root);
        while (!work.isEmpty()) {
            ThreadNode p = work.remove(work.size() - 1);
            ThreadNode c = p.firstChild;
            while (c != null) {
                ThreadNode next = c.next;
                if (c.dummy()) {
                    if (!c.hasChildren()) {
                        c.unlink();
                    } else if (p != root || c.oneChild()) {
                        next = c.firstChild; // the promoted children are pruned in turn
                        c.spliceChildren();
                    } else {
                        work.add(c);
                    }
                } else {
                    work.add(c);
                }
                c = next;
            }
        }
    }

    /** (5): top-level threads of one base subject merged. */
    private static void mergeSubjects(ThreadNode root) {
        List<ThreadNode> top = root.children();
        Map<String, ThreadNode> table = new HashMap<>();
        // (5.B) one message per subject: a dummy over a message, a message that is not a reply over one that is
        for (ThreadNode c : top) {
            String subject = subject(c);
            if (subject.isEmpty()) {
                continue;
            }
            ThreadNode t = table.get(subject);
            if (t == null) {
                table.put(subject, c);
            } else if (!t.dummy() && (c.dummy() || t.replyOrForward && !c.replyOrForward)) {
                table.put(subject, c);
            }
        }
        // (5.C) merge each thread into the table's
        for (ThreadNode c : top) {
            if (c.parent != root) {
                continue; // already merged under another
            }
            String subject = subject(c);
            if (subject.isEmpty()) {
                continue;
            }
            ThreadNode t = table.get(subject);
            if (t == c) {
                continue;
            }
            if (t.dummy() && c.dummy()) {
                t.adoptChildren(c);
                c.unlink();
            } else if (t.dummy() || c.replyOrForward && !t.replyOrForward) {
                // (b) or (c): the message joins the table's thread as a child
                c.unlink();
                t.add(c);
            } else {
                // (d) a new dummy over both, in the table's place
                ThreadNode d = new ThreadNode();
                root.add(d);
                t.unlink();
                c.unlink();
                d.add(t);
                d.add(c);
                table.put(subject, d);
            }
        }
    }

    /** The thread's subject: the message's, or a dummy's first child's. */
    private static String subject(ThreadNode n) {
        ThreadNode m = n.dummy() ? n.firstChild : n;
        return m == null || m.subject == null ? "" : m.subject;
    }
}
