package org.postrider.imap.command;

/**
 * A LIST pattern (RFC 9051 6.3.9): "*" matches any run of characters, "%" any run without the
 * hierarchy separator; an INBOX prefix matches case-insensitively. Matched by walking the
 * pattern's positions as a set (no regular expression, no backtracking), so a pattern of many
 * wildcards costs at most its length times the name's.
 */
final class MailboxPattern {
    private final String pattern;

    MailboxPattern(String referenceAndPattern) {
        String p = referenceAndPattern;
        if (p.regionMatches(true, 0, "INBOX", 0, 5) && (p.length() == 5 || p.charAt(5) == MailboxNames.SEPARATOR)) {
            p = "INBOX" + p.substring(5);
        }
        this.pattern = p;
    }

    boolean matches(String name) {
        int m = pattern.length();
        boolean[] at = new boolean[m + 1];
        boolean[] next = new boolean[m + 1];
        at[0] = true;
        close(at);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            java.util.Arrays.fill(next, false);
            boolean any = false;
            for (int j = 0; j < m; j++) {
                if (!at[j]) {
                    continue;
                }
                char p = pattern.charAt(j);
                if (p == '*' || p == '%' && c != MailboxNames.SEPARATOR) {
                    next[j] = true; // the wildcard takes this character and may take more
                    any = true;
                } else if (p == c) {
                    next[j + 1] = true;
                    any = true;
                }
            }
            if (!any) {
                return false;
            }
            boolean[] t = at;
            at = next;
            next = t;
            close(at);
        }
        return at[m];
    }

    /** A wildcard may also match nothing: being before it is being after it. */
    private void close(boolean[] at) {
        for (int j = 0; j < pattern.length(); j++) {
            if (at[j] && (pattern.charAt(j) == '*' || pattern.charAt(j) == '%')) {
                at[j + 1] = true;
            }
        }
    }
}
