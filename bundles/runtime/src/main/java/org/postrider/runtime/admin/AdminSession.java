package org.postrider.runtime.admin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One admin connection: checks the peer, runs one Gogo command, reports its exit status. */
final class AdminSession {
    private static final Logger LOG = LoggerFactory.getLogger(AdminSession.class);
    /** Exit status for a refused peer, as sysexits' EX_NOPERM. */
    static final int NOT_OWNER = 77;

    private final SocketChannel ch;
    private final UserPrincipal owner;
    private final CommandProcessor processor;

    AdminSession(SocketChannel ch, UserPrincipal owner, CommandProcessor processor) {
        this.ch = ch;
        this.owner = owner;
        this.processor = processor;
    }

    void run() {
        try (ch) {
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!owner.equals(peer.user())) {
                LOG.warn("Refused admin connection from user {}: not the server's owner {}",
                        peer.user().getName(), owner.getName());
                byte[] msg = "postrider: refused: only the server's owner may use the admin channel\n"
                        .getBytes(StandardCharsets.UTF_8);
                AdminFrames.write(out, AdminFrames.STDERR, msg, 0, msg.length);
                AdminFrames.writeInt(out, AdminFrames.EXIT, NOT_OWNER);
                return;
            }
            AdminFrames.Frame first = AdminFrames.read(in);
            if (first == null || first.type() != AdminFrames.COMMAND) {
                return;
            }
            String line = new String(first.payload(), StandardCharsets.UTF_8);
            int status = execute(line, in, out);
            AdminFrames.writeInt(out, AdminFrames.EXIT, status);
        } catch (IOException e) {
            LOG.debug("Admin session ended: {}", e.toString());
        }
    }

    private int execute(String line, DataInputStream in, DataOutputStream out) throws IOException {
        PipedInputStream stdin = new PipedInputStream(64 * 1024);
        PipedOutputStream stdinFeed = new PipedOutputStream(stdin);
        Thread.ofVirtual().name("admin-stdin").start(() -> relayStdin(in, stdinFeed));
        PrintStream stdout = new PrintStream(new AdminFrames.FrameOutputStream(out, AdminFrames.STDOUT), true,
                StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(new AdminFrames.FrameOutputStream(out, AdminFrames.STDERR), true,
                StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(stdin, stdout, stderr);
        try {
            LOG.info("admin: {}", line);
            Object result = session.execute(line);
            if (result != null) {
                stdout.println(session.format(result, Converter.INSPECT));
            }
            return 0;
        } catch (Exception e) {
            String msg = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
            stderr.println("postrider: " + msg);
            LOG.info("admin command failed: {}: {}", line, msg);
            return 1;
        } finally {
            stdout.flush();
            stderr.flush();
            session.close();
        }
    }

    private static void relayStdin(DataInputStream in, PipedOutputStream feed) {
        try (feed) {
            AdminFrames.Frame f;
            while ((f = AdminFrames.read(in)) != null && f.type() == AdminFrames.STDIN) {
                feed.write(f.payload());
            }
        } catch (IOException e) {
            // client gone or command done: the command sees end of input
        }
    }
}
