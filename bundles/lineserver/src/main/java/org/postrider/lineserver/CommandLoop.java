package org.postrider.lineserver;

import java.io.IOException;

/**
 * The loop every line protocol's session runs: greet, then read a line (a framing violation
 * is answered in the protocol's words), dispatch it, flush only when the client has nothing
 * more pipelined, and stop at the protocol's word, when the client leaves, or when the
 * server is stopping. It also counts refused commands: a client that keeps erring is not
 * speaking the protocol, and is shown the door.
 *
 * <p>Commands with literals (IMAP, ManageSieve): when a line ends in a literal announcement
 * ({@link LiteralAnnouncement}), {@link #dispatch} (or {@link #resume}) keeps what it parsed
 * and calls {@link #literalFollows}; the loop then checks the protocol's limit, sends the
 * continuation of a synchronizing literal, streams exactly the announced octets to the
 * protocol's sink under the command deadline, reads the line that continues the command and
 * hands it to {@link #resume}, as often as the command has literals.
 */
public abstract class CommandLoop {
    protected final Connection connection;
    private final int maxBadCommands;
    private boolean done;
    private int badCommands;
    private Literal literal;

    protected CommandLoop(Connection connection, int maxBadCommands) {
        this.connection = connection;
        this.maxBadCommands = maxBadCommands;
        connection.goodbyeOnStop(this::shuttingDown);
    }

    /** Runs the session to its end; {@link #finish} runs however it ends. */
    public final void run() throws IOException {
        try {
            if (!greet()) {
                connection.flush();
                return;
            }
            connection.flush();
            boolean midCommand = false; // the next line continues a command after its literal
            while (!done) {
                String line;
                try {
                    line = midCommand ? connection.readContinuationLine() : connection.readCommandLine();
                } catch (ProtocolViolation v) {
                    if (midCommand) {
                        midCommand = false;
                        abandon();
                    }
                    answer(v);
                    connection.flush();
                    if (v.fatal()) {
                        return;
                    }
                    continue;
                }
                if (line == null) {
                    if (midCommand) {
                        abandon();
                    }
                    if (connection.wokenForStop()) {
                        goodbye(); // the server stops while the session waits for a command
                    }
                    return; // the client left, or the server stops
                }
                try {
                    if (midCommand) {
                        resume(line);
                    } else {
                        dispatch(line);
                    }
                } catch (ProtocolViolation v) {
                    // A command that reads lines itself (IMAP IDLE, a SASL exchange) timed out or
                    // broke the framing: it cannot go on, and the client is told why, as between commands.
                    abandon();
                    answer(v);
                    connection.flush();
                    return;
                }
                midCommand = false;
                Literal l = literal;
                literal = null;
                if (l != null && !done) {
                    if (l.allowed()) {
                        if (!readLiteral(l)) {
                            return;
                        }
                        midCommand = true;
                        continue;
                    }
                    refuse(l);
                }
                if (!connection.inputPending()) {
                    connection.flush();
                }
                if (connection.stopping() && !done) {
                    connection.reply(shuttingDown());
                    connection.flush();
                    connection.lingerAfterGoodbye();
                    return;
                }
            }
            connection.flush();
        } finally {
            finish();
        }
    }

    /**
     * Refuses a literal over the limit, unread: the client of a synchronizing one never got
     * the continuation and sends none of it, so the session goes on; a non-synchronizing one
     * is on its way, and RFC 7888 lets the server close rather than read it (up to 4 GiB at
     * the client's pace), so the session ends after the refusal.
     */
    private void refuse(Literal l) throws IOException {
        literalRefused(l);
        if (!l.synchronizing()) {
            done = true;
        }
    }

    /** Reads an announced literal into its sink; false when the session is over (the client left, a deadline passed). */
    private boolean readLiteral(Literal l) throws IOException {
        if (l.synchronizing()) {
            connection.reply(l.continuation());
            connection.flush();
        }
        try {
            if (connection.readLiteral(l.size(), l.sink())) {
                return true;
            }
        } catch (ProtocolViolation v) {
            abandon();
            answer(v);
            connection.flush();
            return false;
        } catch (IOException e) { // the connection or the sink failed
            abandon();
            throw e;
        }
        abandon(); // the client left inside the literal
        return false;
    }

    /** The stop's goodbye to a woken session, unless the stop wrote it itself. */
    private void goodbye() {
        if (connection.goodbyeWritten()) {
            // written by the stop, whole (the session waited for it), and the output shut: what
            // the client sent meanwhile, and sends until it has read it, is read and dropped
            connection.drainAfterGoodbye();
            return;
        }
        try {
            connection.reply(shuttingDown());
            connection.flush();
            connection.lingerAfterGoodbye();
        } catch (IOException closed) {
            // closed by the client, or by the listener at the end of the grace period
        }
    }

    /** Sends the greeting; false refuses the client instead (the reply already written). */
    protected abstract boolean greet() throws IOException;

    /** Parses and executes one command line. */
    protected abstract void dispatch(String line) throws IOException;

    /**
     * The line that continues a command after its literal, for protocols that call
     * {@link #literalFollows}; it may announce another literal.
     */
    protected void resume(String line) throws IOException {
        throw new IllegalStateException("a literal was asked for, but the protocol does not resume commands");
    }

    /**
     * Answers a literal over the protocol's limit (IMAP: a tagged NO [TOOBIG] or BAD); none of
     * it was read and the command is over: drop what was kept of it.
     */
    protected void literalRefused(Literal literal) throws IOException {
        throw new IllegalStateException("a literal was asked for, but the protocol does not refuse any");
    }

    /**
     * A command with literals was cut short (the client left, a deadline passed, or the line
     * after a literal broke the framing): drop what was kept of it, such as a temporary file.
     */
    protected void abandon() {
    }

    /** Answers a framing violation (a fatal one ends the session after the answer). */
    protected abstract void answer(ProtocolViolation v) throws IOException;

    /** The reply when the server stops while the session is open. */
    protected abstract String shuttingDown();

    /** The reply before closing on a client that erred {@code maxBadCommands} times. */
    protected abstract String tooManyErrors();

    /** Releases what the session holds; runs however it ended. */
    protected void finish() {
    }

    /** Replies to a refused command; too many of them end the session. */
    public void bad(String reply) throws IOException {
        connection.reply(reply);
        if (++badCommands >= maxBadCommands) {
            connection.reply(tooManyErrors());
            done = true;
        }
    }

    /**
     * From {@link #dispatch} or {@link #resume}: the line just handed over ends in a literal
     * announcement; the loop reads the literal next, then gives the line after it to
     * {@link #resume}. The protocol keeps the command's state until then.
     */
    protected final void literalFollows(Literal literal) {
        if (this.literal != null) {
            throw new IllegalStateException("one literal at a time");
        }
        this.literal = literal;
    }

    /** Ends the session after the current command. */
    public final void end() {
        done = true;
    }

    public final boolean ended() {
        return done;
    }
}
