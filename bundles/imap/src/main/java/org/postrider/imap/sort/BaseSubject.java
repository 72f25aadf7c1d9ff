package org.postrider.imap.sort;

import org.postrider.kit.text.EncodedWords;

/**
 * The base subject of RFC 5256 2.1, for SORT SUBJECT and THREAD, and whether extracting it
 * removed a reply or forward marker (a subj-refwd, a "(fwd)" trailer or a "[fwd: ...]"
 * wrapper, RFC 5256 3 REFERENCES step 5). Linear in the subject's length: the text is cut by
 * moving two indexes, never copied per step.
 */
public record BaseSubject(String text, boolean replyOrForward) {
    public static final BaseSubject EMPTY = new BaseSubject("", false);

    /** Extracts the base subject of a Subject field's value as written (encoded words kept), or of null. */
    public static BaseSubject of(String subject) {
        if (subject == null || subject.isEmpty()) {
            return EMPTY;
        }
        return new Extractor(normalize(EncodedWords.decode(subject))).run();
    }

    /** Step 1 after decoding: tabs and line breaks to spaces, runs of spaces to one. */
    static String normalize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == '\r' || c == '\n') {
                c = ' ';
            }
            if (c != ' ' || b.isEmpty() || b.charAt(b.length() - 1) != ' ') {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static final class Extractor {
        private final String s;
        private int start;
        private int end;
        private boolean marked;

        Extractor(String s) {
            this.s = s;
            this.end = s.length();
        }

        BaseSubject run() {
            for (;;) {
                trailers(); // (2)
                boolean found;
                do { // (3), (4), (5)
                    found = leaders();
                    found |= blob();
                } while (found);
                // (6) "[fwd:" ... "]" around the rest: unwrap and repeat from (2)
                if (end - start >= 6 && regionIs(start, "[fwd:") && s.charAt(end - 1) == ']') {
                    start += 5;
                    end -= 1;
                    marked = true;
                    continue;
                }
                return new BaseSubject(s.substring(start, end), marked);
            }
        }

        /** subj-trailer = "(fwd)" / WSP, removed from the end until none is left. */
        private void trailers() {
            while (end > start) {
                if (s.charAt(end - 1) == ' ') {
                    end--;
                } else if (end - start >= 5 && regionIs(end - 5, "(fwd)")) {
                    end -= 5;
                    marked = true;
                } else {
                    return;
                }
            }
        }

        /**
         * Removes every subj-leader ((*subj-blob subj-refwd) / WSP) at the start. Where blobs
         * are followed by no subj-refwd, step (4) would strip them one by one and this step
         * would fail on each rest again, so they are stripped here at once, all but the last
         * when nothing follows them (what (4) would leave): that keeps the loop linear.
         */
        private boolean leaders() {
            boolean found = false;
            while (start < end) {
                if (s.charAt(start) == ' ') {
                    start++;
                    found = true;
                    continue;
                }
                int p = start;
                int lastBlob = -1;
                for (int b = blobEnd(p); b > 0; b = blobEnd(p)) {
                    lastBlob = p;
                    p = b;
                }
                int r = refwdEnd(p);
                if (r > 0) {
                    start = r;
                    marked = true;
                    found = true;
                    continue;
                }
                if (lastBlob >= 0) {
                    int to = p < end ? p : lastBlob;
                    if (to > start) {
                        start = to;
                        found = true;
                    }
                }
                return found;
            }
            return found;
        }

        /** (4): a leading subj-blob goes when something non-blank follows it. */
        private boolean blob() {
            int b = blobEnd(start);
            if (b > 0 && b < end) {
                start = b;
                return true;
            }
            return false;
        }

        /** The end of a subj-blob ("[" *BLOBCHAR "]" *WSP) at {@code p}, or -1. */
        private int blobEnd(int p) {
            if (p >= end || s.charAt(p) != '[') {
                return -1;
            }
            for (int i = p + 1; i < end; i++) {
                char c = s.charAt(i);
                if (c == '[') {
                    return -1;
                }
                if (c == ']') {
                    i++;
                    while (i < end && s.charAt(i) == ' ') {
                        i++;
                    }
                    return i;
                }
            }
            return -1;
        }

        /** The end of a subj-refwd (("re" / ("fw" ["d"])) *WSP [subj-blob] ":") at {@code p}, or -1. */
        private int refwdEnd(int p) {
            int i;
            if (regionIs(p, "re")) {
                i = p + 2;
            } else if (regionIs(p, "fw")) {
                i = p + 2;
                if (i < end && (s.charAt(i) == 'd' || s.charAt(i) == 'D')) {
                    i++;
                }
            } else {
                return -1;
            }
            while (i < end && s.charAt(i) == ' ') {
                i++;
            }
            int b = blobEnd(i);
            if (b > 0) {
                i = b;
            }
            return i < end && s.charAt(i) == ':' ? i + 1 : -1;
        }

        private boolean regionIs(int p, String ascii) {
            return p + ascii.length() <= end && s.regionMatches(true, p, ascii, 0, ascii.length());
        }
    }
}
