package org.postrider.imap.sort;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** THREAD=ORDEREDSUBJECT, the last sorting step of REFERENCES, and the THREAD answer; all iterative. */
public final class Threads {
    private Threads() {
    }

    /** One message of an ORDEREDSUBJECT thread; {@code subject} is its base subject's {@link Collation#key}. */
    public record Message(long id, int number, long sent, String subject) {
    }

    /**
     * THREAD=ORDEREDSUBJECT (RFC 5256 3): messages by base subject, then sent date; each run of
     * one subject is a thread whose first message is the parent of all the others; threads by
     * the sent date of their first message.
     */
    public static List<ThreadNode> orderedSubject(List<Message> messages) {
        List<ThreadNode> nodes = new ArrayList<>(messages.size());
        for (Message m : messages) {
            nodes.add(new ThreadNode(m.id(), m.number(), m.sent(), m.subject(), false));
        }
        nodes.sort((a, b) -> {
            int c = Collation.compare(a.subject, b.subject);
            return c != 0 ? c : ThreadNode.compareByDate(a, b);
        });
        ThreadNode root = new ThreadNode();
        ThreadNode head = null;
        for (ThreadNode n : nodes) {
            if (head != null && head.subject.equals(n.subject)) {
                head.add(n);
            } else {
                head = n;
                root.add(n);
            }
        }
        root.sortChildren();
        return root.children();
    }

    /** REFERENCES (6): every set of siblings by sent date, the deepest first (a dummy goes by its first child). */
    static void sortAll(ThreadNode root) {
        List<ThreadNode> order = new ArrayList<>();
        order.add(root);
        for (int i = 0; i < order.size(); i++) {
            for (ThreadNode c = order.get(i).firstChild; c != null; c = c.next) {
                order.add(c);
            }
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            order.get(i).sortChildren();
        }
    }

    /**
     * The thread list of a THREAD answer (RFC 5256 4): "(1 2 (3)(4 5))" for a message whose one
     * child follows it, children in their own parentheses when there are several, and a dummy
     * as only its children's lists.
     */
    public static void write(List<ThreadNode> threads, StringBuilder out) {
        Deque<Object> todo = new ArrayDeque<>();
        for (ThreadNode t : threads) {
            out.append('(');
            todo.push(")");
            todo.push(t);
            while (!todo.isEmpty()) {
                Object o = todo.pop();
                if (o instanceof String s) {
                    out.append(s);
                    continue;
                }
                ThreadNode n = (ThreadNode) o;
                if (!n.dummy()) {
                    out.append(n.id);
                }
                if (!n.hasChildren()) {
                    continue;
                }
                if (n.oneChild() && !n.dummy()) {
                    todo.push(n.firstChild);
                    todo.push(" ");
                    continue;
                }
                for (ThreadNode c = n.lastChild; c != null; c = c.prev) {
                    todo.push(")");
                    todo.push(c);
                    todo.push("(");
                }
                if (!n.dummy()) {
                    todo.push(" ");
                }
            }
        }
    }
}
