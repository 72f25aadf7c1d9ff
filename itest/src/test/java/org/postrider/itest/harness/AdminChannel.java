package org.postrider.itest.harness;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one Gogo command over an instance's admin socket from the test's own JVM: what
 * {@code bin/postrider admin} does (the same framing, the same command line, the same exit
 * statuses: the command's, or 3 when the server cannot be reached) without starting a client
 * JVM per command, which costs most of a second on a busy 2-core machine. The script's own
 * path stays proven where it is the subject (AdminChannelIT, ServerLifecycleIT, every
 * {@code bin/postrider start}, which lists the listeners through it).
 */
final class AdminChannel {
    // The frame types of org.postrider.runtime.admin.AdminFrames: a type byte, a 4-byte length, the payload.
    private static final byte COMMAND = 'C';
    private static final byte STDIN_EOF = 'E';
    private static final byte STDOUT = 'O';
    private static final byte STDERR = 'R';
    private static final byte EXIT = 'X';
    private static final int MAX_FRAME = 1 << 20;
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "admin-deadlines");
        t.setDaemon(true);
        return t;
    });
    private static volatile Method join;

    private AdminChannel() {
    }

    static Exec.Result run(Path home, List<String> command, Duration timeout) throws IOException {
        String line = commandLine(home, command);
        Path socket = home.resolve("data/run/admin.sock");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return new Exec.Result(3, "", "postrider: cannot reach the admin channel at " + socket + ": "
                    + e.getMessage() + "\n");
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            timedOut.set(true);
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing is all we can do
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try (ch) {
            DataOutputStream o = new DataOutputStream(Channels.newOutputStream(ch));
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            try {
                write(o, COMMAND, line.getBytes(StandardCharsets.UTF_8));
                write(o, STDIN_EOF, new byte[0]); // the script runs it with no input
            } catch (IOException e) {
                // The server may have refused us and closed already; its answer is still readable.
            }
            while (true) {
                int type = in.read();
                if (type < 0) {
                    return new Exec.Result(3, text(out), text(err) + "postrider: the server closed the admin channel\n");
                }
                int len = in.readInt();
                if (len < 0 || len > MAX_FRAME) {
                    throw new IOException("admin frame too large: " + len);
                }
                byte[] payload = new byte[len];
                in.readFully(payload);
                switch (type) {
                    case STDOUT -> out.write(payload);
                    case STDERR -> err.write(payload);
                    case EXIT -> {
                        return new Exec.Result(java.nio.ByteBuffer.wrap(payload).getInt(), text(out), text(err));
                    }
                    default -> throw new IOException("unexpected admin frame " + type);
                }
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                throw new AssertionError("timed out after " + timeout + ": admin " + line + "\nstdout:\n" + text(out)
                        + "\nstderr:\n" + text(err));
            }
            return new Exec.Result(3, text(out), text(err) + "postrider: admin channel failed: " + e.getMessage()
                    + "\n");
        } finally {
            deadline.cancel(false);
        }
    }

    private static void write(DataOutputStream out, byte type, byte[] payload) throws IOException {
        out.writeByte(type);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /**
     * The Gogo line the admin client would send: its own CommandLine.join (one argument is the
     * whole line; several are quoted where Gogo would read them otherwise), from the runtime jar.
     */
    private static String commandLine(Path home, List<String> command) throws IOException {
        try {
            Method m = join;
            if (m == null) {
                URL jar = home.resolve("deploy/postrider-runtime.jar").toUri().toURL();
                @SuppressWarnings("resource") // one loader for the test JVM's life, like a loaded class
                URLClassLoader loader = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader());
                m = loader.loadClass("org.postrider.runtime.admin.CommandLine").getMethod("join", List.class);
                join = m;
            }
            return (String) m.invoke(null, command);
        } catch (ReflectiveOperationException e) {
            throw new IOException("cannot load the admin client's CommandLine from " + home, e);
        }
    }
}
