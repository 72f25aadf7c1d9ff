package org.postrider.pop3;

import java.io.IOException;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.User;
import org.postrider.api.store.StoreException;
import org.postrider.lineserver.CommandLoop;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.ProtocolViolation;
import org.postrider.pop3.command.Pop3Command;
import org.postrider.pop3.proto.Pop3Parser;
import org.postrider.pop3.proto.Pop3Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One POP3 session: its state, and how it greets, dispatches and answers violations. */
public final class Pop3Session extends CommandLoop {
    private static final Logger LOG = LoggerFactory.getLogger(Pop3Session.class);

    /** RFC 1939 states; UPDATE is the moment of QUIT in TRANSACTION. */
    public enum State { AUTHORIZATION, TRANSACTION }

    private final Pop3Service service;
    private State state = State.AUTHORIZATION;
    private String pendingUser;
    private Maildrop maildrop;
    private int authFailures;
    private String rawLine;

    Pop3Session(Connection connection, Pop3Service service) {
        super(connection, service.config().maxBadCommands());
        this.service = service;
    }

    @Override
    protected boolean greet() throws IOException {
        reply("+OK Postrider POP3 server ready");
        return true;
    }

    @Override
    protected void answer(ProtocolViolation v) throws IOException {
        if (v.kind() == ProtocolViolation.Kind.TIMEOUT) {
            reply("-ERR [SYS/TEMP] autologout: idle for too long");
        } else {
            reply("-ERR " + (v.fatal() ? "protocol violation: " : "") + v.getMessage());
        }
    }

    @Override
    protected String shuttingDown() {
        return "-ERR [SYS/TEMP] server shutting down";
    }

    @Override
    protected String tooManyErrors() {
        return "-ERR too many bad commands, closing";
    }

    @Override
    protected void dispatch(String line) throws IOException {
        rawLine = line;
        Pop3Request request;
        try {
            request = Pop3Parser.parse(line);
        } catch (Pop3Parser.Invalid e) {
            bad("-ERR " + e.getMessage());
            return;
        }
        Pop3Command command = service.commands().get(request.keyword());
        if (command == null) {
            bad("-ERR unknown command " + request.keyword());
            return;
        }
        if (!command.states().contains(state)) {
            bad("-ERR " + request.keyword() + " is not allowed " + (state == State.AUTHORIZATION
                    ? "before login" : "after login"));
            return;
        }
        command.execute(this, request);
    }

    // --- used by the commands ---

    public State state() {
        return state;
    }

    public Connection connection() {
        return connection;
    }

    /** The line as received, for commands whose argument may contain spaces (PASS). */
    public String rawLine() {
        return rawLine;
    }

    public void reply(String line) throws IOException {
        connection.reply(line);
    }

    public void flush() throws IOException {
        connection.flush();
    }

    /** Plaintext credentials may be used: under TLS, or where the administrator allows it. */
    public boolean mayAuthenticate() {
        return connection.secure() || service.config().allowPlaintextAuth();
    }

    public String pendingUser() {
        return pendingUser;
    }

    public void pendingUser(String user) {
        this.pendingUser = user;
    }

    public Maildrop maildrop() {
        return maildrop;
    }

    public java.util.Collection<Pop3Command> commands() {
        return service.commands().values();
    }

    /**
     * Checks credentials and opens the maildrop. One answer for unknown user and wrong
     * password, after the failure delay; too many failures end the session.
     */
    public void login(String login, char[] password) throws IOException {
        Directory directory = service.directory();
        if (directory == null) {
            java.util.Arrays.fill(password, '\0');
            pendingUser = null;
            reply("-ERR [SYS/TEMP] service temporarily unavailable, try again later");
            return;
        }
        AuthResult result;
        try {
            result = connection.checkPassword(() -> directory.authenticate(login, password));
        } catch (org.postrider.lineserver.PasswordChecks.Busy e) {
            pendingUser = null;
            reply("-ERR [SYS/TEMP] " + e.getMessage());
            return;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        authenticated(login, result);
    }

    public Directory directory() {
        return service.directory();
    }

    /** Answers a login (USER/PASS or AUTH): opens the maildrop, or one reply for any failure. */
    public void authenticated(String login, AuthResult result) throws IOException {
        pendingUser = null;
        if (!(result instanceof AuthResult.Success success)) {
            connection.authFailed();
            LOG.info("pop3 login failed for {} from {}", sanitize(login), connection.remote().getAddress()
                    .getHostAddress());
            reply("-ERR [AUTH] authentication failed");
            if (++authFailures >= 3) {
                reply("-ERR too many authentication failures, closing");
                end();
            }
            return;
        }
        connection.authSucceeded();
        User user = success.user();
        if (!service.serverName().equalsIgnoreCase(user.homeServer())) {
            reply("-ERR [SYS/PERM] the mailbox of " + user.id() + " is on server " + user.homeServer());
            return;
        }
        if (!connection.login(user.id())) { // at most one session per user: RFC 1939's exclusive lock
            reply("-ERR [IN-USE] the maildrop is in use by another session");
            return;
        }
        try {
            maildrop = new Maildrop(user.id(), service::store);
        } catch (StoreException e) {
            connection.logout();
            reply("-ERR [SYS/TEMP] cannot open the maildrop: " + e.getMessage());
            return;
        }
        state = State.TRANSACTION;
        LOG.info("pop3 login {} from {}: {} messages", user.id(), connection.remote().getAddress().getHostAddress(),
                maildrop.count());
        reply("+OK " + user.id() + " has " + maildrop.count() + " messages (" + maildrop.octets() + " octets)");
    }

    /** A client-given name for the log: bounded, printable ASCII only. */
    static String sanitize(String s) {
        return (s.length() > 100 ? s.substring(0, 100) : s).replaceAll("[^\\x20-\\x7e]", "?");
    }
}
