package org.postrider.imap.parse;

/**
 * Checks that octets are a sequence of IMAP response values (RFC 9051 9): NIL, numbers,
 * atoms, quoted strings (no CR, LF or NUL, only \" and \\ escaped), literals (no NUL) and
 * parenthesised lists, separated by one space, with lists of bodies and addresses adjacent
 * as body-type-mpart and env-from write them ({@code )(}). Returns the number of top-level
 * values, or throws with the offset of the first fault.
 */
final class ResponseReader {
    private final byte[] b;
    private int i;

    private ResponseReader(byte[] b) {
        this.b = b;
    }

    static int values(byte[] b) {
        ResponseReader r = new ResponseReader(b);
        int n = 0;
        while (r.i < b.length) {
            if (n > 0) {
                r.expect(' ');
            }
            r.value(0);
            n++;
        }
        return n;
    }

    private void value(int depth) {
        if (depth > 1000) {
            fail("too deep");
        }
        int c = next();
        switch (c) {
            case '(' -> {
                if (peek() == ')') {
                    i++;
                    return;
                }
                while (true) {
                    value(depth + 1);
                    int d = next();
                    if (d == ')') {
                        return;
                    }
                    if (d == ' ') {
                        continue;
                    }
                    if (d == '(' && b[i - 2] == ')') {
                        i--; // adjacent lists
                        continue;
                    }
                    fail("space or ) expected");
                }
            }
            case '"' -> {
                while (true) {
                    int q = next();
                    if (q == '"') {
                        return;
                    }
                    if (q == '\\') {
                        int e = next();
                        if (e != '"' && e != '\\') {
                            fail("bad escape");
                        }
                    } else if (q == '\r' || q == '\n' || q == 0) {
                        fail("CR, LF or NUL in quoted string");
                    }
                }
            }
            case '{' -> {
                long n = 0;
                int digits = 0;
                while (peek() >= '0' && peek() <= '9') {
                    n = n * 10 + (next() - '0');
                    digits++;
                }
                if (digits == 0) {
                    fail("literal size");
                }
                expect('}');
                expect('\r');
                expect('\n');
                for (long k = 0; k < n; k++) {
                    if (next() == 0) {
                        fail("NUL in literal");
                    }
                }
            }
            default -> {
                i--;
                int start = i;
                while (i < b.length && b[i] > ' ' && b[i] < 0x7f && "(){\"".indexOf(b[i]) < 0 && b[i] != ')') {
                    i++;
                }
                if (i == start) {
                    fail("value expected");
                }
            }
        }
    }

    private int peek() {
        return i < b.length ? b[i] & 0xff : -1;
    }

    private int next() {
        if (i >= b.length) {
            fail("unexpected end");
        }
        return b[i++] & 0xff;
    }

    private void expect(int c) {
        if (next() != c) {
            fail("'" + (char) c + "' expected");
        }
    }

    private void fail(String why) {
        throw new AssertionError(why + " at " + i);
    }
}
