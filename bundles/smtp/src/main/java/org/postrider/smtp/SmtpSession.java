package org.postrider.smtp;

import java.io.IOException;
import java.util.Collection;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Directory;
import org.postrider.lineserver.CommandLoop;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.ProtocolViolation;
import org.postrider.smtp.command.SmtpCommand;
import org.postrider.smtp.proto.SmtpParser;
import org.postrider.smtp.proto.SmtpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One SMTP session: its state, and how it greets, dispatches and answers violations. */
public final class SmtpSession extends CommandLoop {
    private static final Logger LOG = LoggerFactory.getLogger(SmtpSession.class);

    private final SmtpService service;
    private final SmtpService.Port port;
    private String helo;
    private boolean esmtp;
    /** The EHLO reply offered XTRANSFERID to a listed address: MAIL keeps that promise all session. */
    private boolean transferIdOffered;
    private String authenticatedUser;
    private Transaction transaction;
    private int authFailures;

    SmtpSession(Connection connection, SmtpService service, SmtpService.Port port) {
        super(connection, service.config().maxBadCommands());
        this.service = service;
        this.port = port;
    }

    @Override
    protected boolean greet() throws IOException {
        java.time.Duration wait = org.postrider.kit.text.Durations.parse(service.config().pregreetWait());
        if (port == SmtpService.Port.MX && !wait.isZero() && connection.talksWithin(wait)) {
            LOG.info("smtp pregreet from {}: refused", connection.remote().getAddress().getHostAddress());
            reply("554 5.5.1 protocol error: talking before the greeting");
            return false;
        }
        reply("220 " + service.hostName() + " ESMTP Postrider");
        return true;
    }

    @Override
    protected String shuttingDown() {
        return "421 4.3.2 " + service.hostName() + " shutting down";
    }

    @Override
    protected String tooManyErrors() {
        return "421 4.7.0 too many errors, closing";
    }

    @Override
    protected void finish() {
        if (transaction != null) {
            transaction.abort();
        }
    }

    /** Replies to a framing violation: timeouts and bare line ends close the session. */
    @Override
    protected void answer(ProtocolViolation v) throws IOException {
        switch (v.kind()) {
            case TIMEOUT -> reply("421 4.4.2 " + service.hostName() + " timeout, closing");
            case BARE_LINE_ENDING -> reply("521 5.5.2 bare CR or LF received; only CRLF ends a line, closing");
            case LINE_TOO_LONG -> reply("500 5.5.2 line too long");
            case PIPELINED_STARTTLS -> reply("554 5.5.1 pipelined input after STARTTLS, closing");
            case INFLATION -> reply("554 5.5.1 compressed input inflating too far, closing");
        }
    }

    /** For commands that read on their own (DATA, STARTTLS): answers, and ends on a fatal one. */
    public void violation(ProtocolViolation v) throws IOException {
        answer(v);
        flush();
        if (v.fatal()) {
            end();
        }
    }

    @Override
    protected void dispatch(String line) throws IOException {
        SmtpRequest request;
        try {
            request = SmtpParser.request(line);
        } catch (SmtpParser.Invalid e) {
            bad(e.reply());
            return;
        }
        SmtpCommand command = service.commands().get(request.verb());
        if (command == null) {
            bad("500 5.5.2 command unrecognized");
            return;
        }
        if (command.needsHelo() && helo == null) {
            bad("503 5.5.1 send EHLO or HELO first");
            return;
        }
        command.execute(this, request);
    }

    // --- for the commands ---

    public Connection connection() {
        return connection;
    }

    public SmtpService service() {
        return service;
    }

    /** Whether this listener is a submission port (AUTH required before MAIL). */
    public boolean submission() {
        return port != SmtpService.Port.MX;
    }

    public void reply(String line) throws IOException {
        connection.reply(line);
    }

    public void flush() throws IOException {
        connection.flush();
    }

    public String helo() {
        return helo;
    }

    public boolean esmtp() {
        return esmtp;
    }

    public void greeted(String name, boolean extended) {
        this.helo = name;
        this.esmtp = extended;
        this.transferIdOffered = false;
        reset();
    }

    public boolean transferIdOffered() {
        return transferIdOffered;
    }

    public void transferIdOffered(boolean offered) {
        this.transferIdOffered = offered;
    }

    public Transaction transaction() {
        return transaction;
    }

    /** A mail transaction begins: the session is engaged, the idle timeout before login no longer applies. */
    public void begin(Transaction t) {
        transaction = t;
        connection.engage();
    }

    public void reset() {
        if (transaction != null) {
            transaction.abort();
        }
        transaction = null;
        connection.endData();
    }

    /** After STARTTLS: everything learnt in plaintext is forgotten (RFC 3207 4.2). */
    public void forgetAll() {
        reset();
        helo = null;
        esmtp = false;
        transferIdOffered = false;
        authenticatedUser = null;
    }

    public String authenticatedUser() {
        return authenticatedUser;
    }

    /** AUTH may be used: under TLS, or where the administrator allows plaintext. */
    public boolean mayAuthenticate() {
        return connection.secure() || service.config().allowPlaintextAuth();
    }

    public Collection<SmtpCommand> commands() {
        return service.commands().values();
    }

    /** The RFC 3848 protocol name for the trace header. */
    public String protocolName() {
        if (!esmtp) {
            return "SMTP";
        }
        return "ESMTP" + (connection.secure() ? "S" : "") + (authenticatedUser != null ? "A" : "");
    }

    public Directory directory() {
        return service.directory();
    }

    /** Answers a login; one reply for unknown users and wrong passwords, after the delay. */
    public void authenticated(AuthResult r) throws IOException {
        if (r instanceof AuthResult.Success s) {
            connection.authSucceeded();
            if (!connection.login(s.user().id())) {
                reply("454 4.7.0 too many sessions open for " + s.user().id() + ", try again later");
                return;
            }
            authenticatedUser = s.user().id();
            LOG.info("smtp auth {} from {}", authenticatedUser, connection.remote().getAddress().getHostAddress());
            reply("235 2.7.0 authentication successful");
            return;
        }
        connection.authFailed();
        reply("535 5.7.8 authentication credentials invalid");
        if (++authFailures >= 3) {
            reply("421 4.7.0 too many authentication failures, closing");
            end();
        }
    }
}
