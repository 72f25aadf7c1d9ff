package org.postrider.imap.sort;

import java.util.ArrayList;
import java.util.List;

/**
 * One node of a thread tree: a message, or a dummy standing for a message that is referred
 * to but not among those threaded. Children are a doubly linked list, so a node leaves its
 * parent in constant time whatever the number of its siblings.
 */
public final class ThreadNode {
    /** What the answer shows (message number or UID); 0 for a dummy. */
    long id;
    /** The sequence number, which breaks ties of sent dates. */
    int number;
    long sent;
    /** The base subject folded for comparison; null for a dummy. */
    String subject;
    boolean replyOrForward;

    ThreadNode parent;
    ThreadNode firstChild;
    ThreadNode lastChild;
    ThreadNode prev;
    ThreadNode next;

    ThreadNode() {
    }

    ThreadNode(long id, int number, long sent, String subject, boolean replyOrForward) {
        set(id, number, sent, subject, replyOrForward);
    }

    void set(long id, int number, long sent, String subject, boolean replyOrForward) {
        this.id = id;
        this.number = number;
        this.sent = sent;
        this.subject = subject;
        this.replyOrForward = replyOrForward;
    }

    public boolean dummy() {
        return number == 0;
    }

    public long id() {
        return id;
    }

    public List<ThreadNode> children() {
        List<ThreadNode> out = new ArrayList<>();
        for (ThreadNode c = firstChild; c != null; c = c.next) {
            out.add(c);
        }
        return out;
    }

    boolean hasChildren() {
        return firstChild != null;
    }

    boolean oneChild() {
        return firstChild != null && firstChild == lastChild;
    }

    /** Appends {@code child} (which has no parent) as the last child. */
    void add(ThreadNode child) {
        child.parent = this;
        child.prev = lastChild;
        child.next = null;
        if (lastChild == null) {
            firstChild = child;
        } else {
            lastChild.next = child;
        }
        lastChild = child;
    }

    /** Takes this node from its parent's children. */
    void unlink() {
        if (parent == null) {
            return;
        }
        if (prev == null) {
            parent.firstChild = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            parent.lastChild = prev;
        } else {
            next.prev = prev;
        }
        parent = null;
        prev = null;
        next = null;
    }

    /** Puts this node's children in place of {@code this} among its parent's children, in order. */
    void spliceChildren() {
        ThreadNode p = parent;
        ThreadNode before = prev;
        ThreadNode after = next;
        ThreadNode first = firstChild;
        ThreadNode last = lastChild;
        for (ThreadNode c = first; c != null; c = c.next) {
            c.parent = p;
        }
        if (before == null) {
            p.firstChild = first;
        } else {
            before.next = first;
        }
        first.prev = before;
        if (after == null) {
            p.lastChild = last;
        } else {
            after.prev = last;
        }
        last.next = after;
        firstChild = null;
        lastChild = null;
        parent = null;
        prev = null;
        next = null;
    }

    /** Moves all of {@code other}'s children to the end of this node's. */
    void adoptChildren(ThreadNode other) {
        ThreadNode c = other.firstChild;
        while (c != null) {
            ThreadNode n = c.next;
            c.unlink();
            add(c);
            c = n;
        }
    }

    /** Sorts the children by sent date, then number; a dummy goes by its first child (sorted before). */
    void sortChildren() {
        if (firstChild == null || firstChild == lastChild) {
            return;
        }
        List<ThreadNode> list = children();
        list.sort(ThreadNode::compareByDate);
        firstChild = null;
        lastChild = null;
        for (ThreadNode c : list) {
            c.parent = null;
            add(c);
        }
    }

    private static ThreadNode dated(ThreadNode n) {
        return n.dummy() && n.firstChild != null ? n.firstChild : n;
    }

    static int compareByDate(ThreadNode a, ThreadNode b) {
        ThreadNode x = dated(a);
        ThreadNode y = dated(b);
        int c = Long.compare(x.sent, y.sent);
        return c != 0 ? c : Integer.compare(x.number, y.number);
    }
}
