package org.postrider.lineserver;

import java.io.IOException;

/**
 * The loop every line protocol's session runs: greet, then read a line (a framing violation
 * is answered in the protocol's words), dispatch it, flush only when the client has nothing
 * more pipelined, and stop at the protocol's word, when the client leaves, or when the
 * server is stopping. It also counts refused commands: a client that keeps erring is not
 * speaking the protocol, and is shown the door.
 */
public abstract class CommandLoop {
    protected final Connection connection;
    private final int maxBadCommands;
    private boolean done;
    private int badCommands;

    protected CommandLoop(Connection connection, int maxBadCommands) {
        this.connection = connection;
        this.maxBadCommands = maxBadCommands;
    }

    /** Runs the session to its end; {@link #finish} runs however it ends. */
    public final void run() throws IOException {
        try {
            if (!greet()) {
                connection.flush();
                return;
            }
            connection.flush();
            while (!done) {
                String line;
                try {
                    line = connection.readTextLine();
                } catch (ProtocolViolation v) {
                    answer(v);
                    connection.flush();
                    if (v.fatal()) {
                        return;
                    }
                    continue;
                }
                if (line == null) {
                    return; // the client left
                }
                dispatch(line);
                if (!connection.inputPending()) {
                    connection.flush();
                }
                if (connection.stopping() && !done) {
                    connection.reply(shuttingDown());
                    connection.flush();
                    return;
                }
            }
            connection.flush();
        } finally {
            finish();
        }
    }

    /** Sends the greeting; false refuses the client instead (the reply already written). */
    protected abstract boolean greet() throws IOException;

    /** Parses and executes one command line. */
    protected abstract void dispatch(String line) throws IOException;

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

    /** Ends the session after the current command. */
    public final void end() {
        done = true;
    }

    public final boolean ended() {
        return done;
    }
}
