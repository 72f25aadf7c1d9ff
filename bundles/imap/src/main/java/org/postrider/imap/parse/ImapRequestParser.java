package org.postrider.imap.parse;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Incremental parser of IMAP client commands (RFC 3501 9, RFC 9051 9, LITERAL+/LITERAL-
 * RFC 7888, binary literals RFC 3516), free of I/O: the session feeds octets as they
 * arrive, in any chunking, and acts on {@link #status()} after each {@link #feed}:
 *
 * <ul>
 * <li>{@link Status#NEED_MORE}: every octet given was consumed; feed more.</li>
 * <li>{@link Status#CONTINUE}: a synchronising literal was granted: send "+ Ready", feed on.</li>
 * <li>{@link Status#STREAM_LITERAL}: a literal above {@link ImapLimits#streamThreshold()}
 *     comes next: send "+ Ready" if {@link #literalSynchronizing()}, move the next
 *     {@link #literalSize()} octets to a sink yourself (they are not fed here), then call
 *     {@link #literalStreamed(Object)} and feed the rest.</li>
 * <li>{@link Status#COMPLETE}: {@link #take()} the command.</li>
 * <li>{@link Status#ERROR}: {@link #takeError()}; answer its response. Unless it is fatal
 *     the parser has skipped the bad command (and any non-synchronising literal it carried)
 *     and is ready for the next one.</li>
 * </ul>
 *
 * Only CRLF ends a line; NUL, CR, LF and other controls are refused in atoms and quoted
 * strings (never truncated), NUL in non-binary literals. Memory stays within
 * {@link ImapLimits#maxCommandMemory()} whatever arrives: every octet of a line passes
 * through one bound check, and literals are sized before any octet of them is taken.
 * Errors are reported at the end of the offending command, never thrown.
 */
public final class ImapRequestParser {

    /** What the caller does next. */
    /** How many times the largest literal one command may stream to disk in all. */
    public static final int STREAMED_LITERALS_PER_COMMAND = 4;

    public enum Status { NEED_MORE, CONTINUE, STREAM_LITERAL, COMPLETE, ERROR }

    private enum State {
        TOKEN_START, // a token, or ')' closing a list, or CR ending the line
        AFTER_TOKEN, // SP, ')' or CR
        ATOM, QUOTED, QUOTED_ESCAPE, LITERAL_SIZE, LITERAL_PLUS_SEEN, LITERAL_CR, LITERAL_LF, LITERAL_DATA,
        LINE_LF, // CR seen, LF must follow
        SKIP, // error: discard up to the end of the line
        SKIP_LF, SKIP_LITERAL, DEAD
    }

    /** 18 digits always fit a long; more are refused before any parse. */
    private static final int MAX_LITERAL_DIGITS = 18;

    private final ImapLimits limits;
    private boolean authenticated;

    private State state = State.TOKEN_START;
    private Status status = Status.NEED_MORE;
    private final Deque<List<ImapToken>> stack = new ArrayDeque<>();
    private List<ImapToken> top = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream quoted = new ByteArrayOutputStream();
    private int bracketDepth;
    private boolean bracketQuote;
    private boolean bracketEscape;
    private boolean spaceSeen; // TOKEN_START after SP (not at line start or after '(')
    private int lineLength;
    private long memory;
    /** Octets of this command's literals sent to disk: at most STREAMED_LITERALS_PER_COMMAND literal limits. */
    private long streamedTotal;
    private int tokens;
    private boolean started;

    private long literalSize;
    private boolean literalSync;
    private boolean literalBinary;
    private boolean literalOverflow;
    private byte[] literalData;
    private int literalFill;

    private String errorReason;
    private ParseError error;
    private ImapRequest request;
    /** The tail of a skipped line, to find a literal announced at its end. */
    private final StringBuilder skipTail = new StringBuilder();
    private long skipRemaining;

    public ImapRequestParser(ImapLimits limits) {
        this.limits = limits;
    }

    /** After login the larger literal bound applies (before it, no literal above a few KiB is granted). */
    public void authenticated(boolean authenticated) {
        this.authenticated = authenticated;
    }

    public Status status() {
        return status;
    }

    /** Whether part of a command has been received (end of input now would cut it). */
    public boolean started() {
        return started;
    }

    /** The size of the literal announced by CONTINUE or STREAM_LITERAL. */
    public long literalSize() {
        return literalSize;
    }

    /** Whether that literal was synchronising (the client waits for "+ Ready"). */
    public boolean literalSynchronizing() {
        return literalSync;
    }

    public boolean literalBinary() {
        return literalBinary;
    }

    /**
     * Consumes octets up to the next event or the end of the chunk; returns how many.
     * Octets after an event stay with the caller, to be fed again (or, after COMPLETE of
     * AUTHENTICATE or IDLE, read as raw lines).
     */
    public int feed(byte[] buf, int off, int len) {
        switch (status) {
            case COMPLETE, ERROR, STREAM_LITERAL -> throw new IllegalStateException("act on " + status + " first");
            default -> status = Status.NEED_MORE;
        }
        if (state == State.DEAD) {
            throw new IllegalStateException("the parser stopped after a fatal error");
        }
        int i = off;
        int end = off + len;
        while (i < end && status == Status.NEED_MORE) {
            if (state == State.LITERAL_DATA) {
                int n = (int) Math.min(end - i, literalSize - literalFill);
                System.arraycopy(buf, i, literalData, literalFill, n);
                literalFill += n;
                i += n;
                if (literalFill == literalSize) {
                    literalDone();
                }
                continue;
            }
            if (state == State.SKIP_LITERAL) {
                long n = Math.min(end - i, skipRemaining);
                skipRemaining -= n;
                i += (int) n;
                if (skipRemaining == 0) {
                    state = State.SKIP;
                }
                continue;
            }
            started = true;
            step(buf[i++]);
        }
        return i - off;
    }

    /** The command, after COMPLETE; the parser is then ready for the next one. */
    public ImapRequest take() {
        if (status != Status.COMPLETE) {
            throw new IllegalStateException("no complete command");
        }
        ImapRequest r = request;
        request = null;
        status = Status.NEED_MORE;
        return r;
    }

    /** The error, after ERROR; the parser is then ready for the next command unless it was fatal. */
    public ParseError takeError() {
        if (status != Status.ERROR) {
            throw new IllegalStateException("no error");
        }
        ParseError e = error;
        error = null;
        status = Status.NEED_MORE;
        return e;
    }

    /** After STREAM_LITERAL: the caller took the literal's octets; {@code handle} stands for them in the command. */
    public void literalStreamed(Object handle) {
        if (status != Status.STREAM_LITERAL) {
            throw new IllegalStateException("no literal to stream");
        }
        status = Status.NEED_MORE;
        addToken(new ImapToken.StreamedLiteral(literalSize, literalBinary, handle));
        endLiteral();
    }

    private void step(byte b) {
        int c = b & 0xff;
        switch (state) {
            case SKIP -> skip(c);
            case SKIP_LF -> {
                if (c != '\n') {
                    fatal("bare CR in command");
                    return;
                }
                skipLineEnd();
            }
            case LINE_LF -> {
                if (c != '\n') {
                    fatal("bare CR in command");
                    return;
                }
                lineEnd();
            }
            default -> {
                if (++lineLength > limits.maxLineLength()) {
                    fail("command line too long");
                    skip(c);
                    return;
                }
                if (++memory > limits.maxCommandMemory()) {
                    fail("command too large");
                    skip(c);
                    return;
                }
                token(c);
                if (state == State.SKIP && c == '\r') {
                    state = State.SKIP_LF; // the failing octet ended the line
                }
            }
        }
    }

    private void token(int c) {
        if (c == '\n' && state != State.LITERAL_LF) {
            fatal("bare LF in command");
            return;
        }
        switch (state) {
            case TOKEN_START -> tokenStart(c);
            case AFTER_TOKEN -> afterToken(c);
            case ATOM -> atom(c);
            case QUOTED -> quotedChar(c);
            case QUOTED_ESCAPE -> {
                if (c != '"' && c != '\\') {
                    fail("invalid escape in quoted string");
                    return;
                }
                quoted.write(c);
                state = State.QUOTED;
            }
            case LITERAL_SIZE -> literalSizeChar(c);
            case LITERAL_PLUS_SEEN -> {
                if (c != '}') {
                    fail("invalid literal");
                    return;
                }
                state = State.LITERAL_CR;
            }
            case LITERAL_CR -> {
                if (c != '\r') {
                    fail("a literal must end the line");
                    return;
                }
                state = State.LITERAL_LF;
            }
            case LITERAL_LF -> {
                if (c != '\n') {
                    fatal("bare CR in command");
                    return;
                }
                literalAnnounced();
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void tokenStart(int c) {
        switch (c) {
            case '\r' -> {
                if (spaceSeen) {
                    fail("trailing space");
                    return;
                }
                if (!stack.isEmpty()) {
                    fail("unbalanced parentheses");
                    return;
                }
                state = State.LINE_LF;
            }
            case ')' -> {
                if (spaceSeen || stack.isEmpty()) {
                    fail(stack.isEmpty() ? "unbalanced parentheses" : "space before )");
                    return;
                }
                closeList();
            }
            case '(' -> {
                if (stack.size() >= limits.maxDepth()) {
                    fail("parentheses nested too deep");
                    return;
                }
                if (!countToken()) {
                    return;
                }
                stack.push(top);
                top = new ArrayList<>();
                spaceSeen = false;
            }
            case '"' -> {
                quoted.reset();
                state = State.QUOTED;
            }
            case '{' -> {
                literalBinary = false;
                startLiteral();
            }
            case ' ' -> fail("extra space");
            default -> {
                if (!atomChar(c)) {
                    fail(invalid(c));
                    return;
                }
                text.setLength(0);
                bracketDepth = 0;
                state = State.ATOM;
                atom(c);
            }
        }
    }

    private void afterToken(int c) {
        switch (c) {
            case ' ' -> {
                state = State.TOKEN_START;
                spaceSeen = true;
            }
            case ')' -> {
                if (stack.isEmpty()) {
                    fail("unbalanced parentheses");
                    return;
                }
                closeList();
            }
            case '\r' -> {
                if (!stack.isEmpty()) {
                    fail("unbalanced parentheses");
                    return;
                }
                state = State.LINE_LF;
            }
            default -> fail("missing space between arguments");
        }
    }

    private void atom(int c) {
        if (bracketDepth > 0) {
            atomInBrackets(c);
            return;
        }
        switch (c) {
            case ' ', ')', '\r' -> {
                if (!addToken(new ImapToken.Atom(text.toString()))) {
                    return;
                }
                state = State.AFTER_TOKEN;
                afterToken(c);
                return;
            }
            case '{' -> {
                if (text.length() == 1 && text.charAt(0) == '~') {
                    literalBinary = true;
                    startLiteral();
                    return;
                }
                fail("invalid character { in atom");
                return;
            }
            case '[' -> bracketDepth++;
            default -> {
                if (!atomChar(c)) {
                    fail(invalid(c));
                    return;
                }
            }
        }
        text.append((char) c);
    }

    /** Inside [...] of a section spec: spaces, lists and quoted header names are part of the atom. */
    private void atomInBrackets(int c) {
        if (c == '\r') {
            fail("unbalanced [ in argument");
            return;
        }
        if (c < 0x20 || c >= 0x7f) {
            fail(invalid(c));
            return;
        }
        if (bracketQuote) {
            if (bracketEscape) {
                bracketEscape = false;
            } else if (c == '\\') {
                bracketEscape = true;
            } else if (c == '"') {
                bracketQuote = false;
            }
        } else if (c == '"') {
            bracketQuote = true;
        } else if (c == '[') {
            bracketDepth++;
        } else if (c == ']') {
            bracketDepth--;
        } else if (c == '{') {
            fail("literal inside a section");
            return;
        }
        text.append((char) c);
    }

    private void quotedChar(int c) {
        switch (c) {
            case '"' -> {
                byte[] bytes = quoted.toByteArray();
                String s = ImapToken.cleanUtf8(bytes);
                if (s == null) {
                    fail("invalid UTF-8 or control character in quoted string");
                    return;
                }
                if (addToken(new ImapToken.Quoted(s))) {
                    state = State.AFTER_TOKEN;
                }
            }
            case '\\' -> state = State.QUOTED_ESCAPE;
            default -> {
                if (c < 0x20 || c == 0x7f) {
                    fail(invalid(c));
                    return;
                }
                quoted.write(c);
            }
        }
    }

    private void startLiteral() {
        text.setLength(0);
        literalSize = 0;
        literalOverflow = false;
        literalSync = true;
        state = State.LITERAL_SIZE;
    }

    private void literalSizeChar(int c) {
        if (c >= '0' && c <= '9') {
            if (text.length() < MAX_LITERAL_DIGITS) {
                text.append((char) c);
            } else {
                literalOverflow = true; // refused once announced, as any literal too large
            }
            return;
        }
        if (text.isEmpty()) {
            fail("invalid literal");
            return;
        }
        literalSize = literalOverflow ? Long.MAX_VALUE : Long.parseLong(text.toString());
        if (c == '+') {
            literalSync = false;
            state = State.LITERAL_PLUS_SEEN;
        } else if (c == '}') {
            state = State.LITERAL_CR;
        } else {
            fail("invalid literal");
        }
    }

    /** The line ended in a literal's announcement: grant it, stream it, or refuse it. */
    private void literalAnnounced() {
        long max = authenticated ? limits.maxLiteralAfterLogin() : limits.maxLiteralBeforeLogin();
        if (!literalSync) {
            max = Math.min(max, limits.maxNonSyncLiteral());
        }
        if (literalSize > max) {
            if (literalSync) {
                // the client waits for "+ Ready": the BAD ends the command cleanly
                fail("[TOOBIG] literal too large");
                finishError();
            } else {
                fatal("non-synchronising literal too large");
            }
            return;
        }
        if (!countToken()) {
            skipAnnouncedLiteral();
            return;
        }
        lineLength = 0;
        if (literalSize > limits.streamThreshold()) {
            if (streamedTotal + literalSize > STREAMED_LITERALS_PER_COMMAND * limits.maxLiteralAfterLogin()) {
                // many large literals in one command (MULTIAPPEND) would fill the disk one at a time
                if (literalSync) {
                    fail("[TOOBIG] the command's literals are too large together");
                    finishError();
                } else {
                    fatal("the command's literals are too large together");
                }
                return;
            }
            streamedTotal += literalSize;
            status = Status.STREAM_LITERAL;
            return;
        }
        if (memory + literalSize > limits.maxCommandMemory()) {
            fail("command too large");
            skipAnnouncedLiteral();
            return;
        }
        memory += literalSize;
        literalData = new byte[(int) literalSize];
        literalFill = 0;
        state = State.LITERAL_DATA;
        if (literalSync) {
            status = Status.CONTINUE;
        }
        if (literalSize == 0) {
            literalDone();
        }
    }

    /** An error fell on a literal's announcement: a synchronising one is never sent, a non-synchronising one is skipped. */
    private void skipAnnouncedLiteral() {
        if (literalSync) {
            finishError();
        } else {
            skipRemaining = literalSize;
            state = skipRemaining == 0 ? State.SKIP : State.SKIP_LITERAL;
        }
    }

    private void literalDone() {
        if (!literalBinary) {
            for (byte b : literalData) {
                if (b == 0) {
                    literalData = null;
                    fail("NUL in literal");
                    return;
                }
            }
        }
        addToken(new ImapToken.Literal(literalData, literalBinary));
        literalData = null;
        endLiteral();
    }

    private void endLiteral() {
        lineLength = 0;
        state = State.AFTER_TOKEN;
    }

    private void closeList() {
        ImapToken.ListOf list = new ImapToken.ListOf(top);
        top = stack.pop();
        top.add(list);
        state = State.AFTER_TOKEN;
        spaceSeen = false;
    }

    /** Adds a token to the current list; false when that broke a bound (the parser now skips). */
    private boolean addToken(ImapToken t) {
        if (!(t instanceof ImapToken.StreamedLiteral || t instanceof ImapToken.Literal) && !countToken()) {
            return false;
        }
        top.add(t);
        spaceSeen = false;
        return true;
    }

    private boolean countToken() {
        if (++tokens > limits.maxTokens()) {
            fail("too many arguments");
            return false;
        }
        return true;
    }

    private void lineEnd() {
        List<ImapToken> all = top;
        String tag = tagOf(all);
        reset();
        if (tag == null) {
            error = new ParseError(null, all.isEmpty() ? "empty command line" : "invalid tag", false);
            status = Status.ERROR;
            return;
        }
        if (all.size() < 2 || !(all.get(1) instanceof ImapToken.Atom name) || !commandName(name.text())) {
            error = new ParseError(tag, all.size() < 2 ? "missing command" : "invalid command name", false);
            status = Status.ERROR;
            return;
        }
        String command = name.text().toUpperCase(Locale.ROOT);
        boolean uid = false;
        int first = 2;
        if (command.equals("UID")) {
            if (all.size() < 3 || !(all.get(2) instanceof ImapToken.Atom sub) || !commandName(sub.text())) {
                error = new ParseError(tag, "UID needs a command", false);
                status = Status.ERROR;
                return;
            }
            command = sub.text().toUpperCase(Locale.ROOT);
            uid = true;
            first = 3;
        }
        request = new ImapRequest(tag, command, uid, all.subList(first, all.size()));
        status = Status.COMPLETE;
    }

    // ---- errors: remember the first reason, skip to the end of the command, then report

    private void fail(String reason) {
        if (errorReason == null) {
            errorReason = reason;
        }
        state = State.SKIP;
        skipTail.setLength(0);
    }

    private void fatal(String reason) {
        error = new ParseError(tagOf(lineTokens()), reason, true);
        status = Status.ERROR;
        state = State.DEAD;
    }

    private void skip(int c) {
        if (c == '\r') {
            state = State.SKIP_LF;
            return;
        }
        if (c == '\n') {
            fatal("bare LF in command");
            return;
        }
        if (skipTail.length() >= 64) {
            skipTail.delete(0, 32);
        }
        skipTail.append((char) c);
    }

    /** A skipped line ended: a non-synchronising literal announced at its end still arrives and is skipped too. */
    private void skipLineEnd() {
        String t = skipTail.toString();
        skipTail.setLength(0);
        int open = t.lastIndexOf('{');
        if (open >= 0 && t.endsWith("+}")) {
            String digits = t.substring(open + 1, t.length() - 2);
            if (!digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                long max = Math.min(authenticated ? limits.maxLiteralAfterLogin() : limits.maxLiteralBeforeLogin(),
                        limits.maxNonSyncLiteral());
                long n = digits.length() > MAX_LITERAL_DIGITS ? Long.MAX_VALUE : Long.parseLong(digits);
                if (n > max) {
                    fatal("non-synchronising literal too large");
                    return;
                }
                skipRemaining = n;
                state = n == 0 ? State.SKIP : State.SKIP_LITERAL;
                return;
            }
        }
        finishError();
    }

    private void finishError() {
        String tag = tagOf(lineTokens());
        error = new ParseError(tag, errorReason == null ? "invalid command" : errorReason, false);
        reset();
        status = Status.ERROR;
    }

    /** The top-level tokens of the line (the bottom of the list stack). */
    private List<ImapToken> lineTokens() {
        return stack.isEmpty() ? top : stack.peekLast();
    }

    private void reset() {
        stack.clear();
        top = new ArrayList<>();
        text.setLength(0);
        quoted.reset();
        state = State.TOKEN_START;
        spaceSeen = false;
        bracketDepth = 0;
        bracketQuote = false;
        bracketEscape = false;
        lineLength = 0;
        memory = 0;
        streamedTotal = 0;
        tokens = 0;
        started = false;
        errorReason = null;
        literalData = null;
    }

    // ---- character classes

    /** ASCII printable but SP and the atom specials that start other tokens. */
    private static boolean atomChar(int c) {
        return c > 0x20 && c < 0x7f && c != '(' && c != ')' && c != '{' && c != '"';
    }

    private static String invalid(int c) {
        if (c == 0) {
            return "NUL in command";
        }
        if (c < 0x20 || c == 0x7f) {
            return "control character in command";
        }
        if (c >= 0x80) {
            return "8-bit character outside a string";
        }
        return "invalid character " + (char) c;
    }

    /** tag = 1*(ASTRING-CHAR except "+"): no "*", "%", "\", "+". */
    private static String tagOf(List<ImapToken> line) {
        if (line.isEmpty() || !(line.get(0) instanceof ImapToken.Atom a)) {
            return null;
        }
        String t = a.text();
        if (t.isEmpty() || t.length() > 64) {
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '*' || c == '%' || c == '\\' || c == '+' || c == '[') {
                return null;
            }
        }
        return t;
    }

    private static boolean commandName(String s) {
        if (s.isEmpty() || s.length() > 32) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ImapRequestParser[" + state + ", " + status + "]";
    }
}
