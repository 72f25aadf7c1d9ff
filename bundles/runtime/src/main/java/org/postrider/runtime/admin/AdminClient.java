package org.postrider.runtime.admin;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The command-line side of the admin channel ({@code bin/postrider admin ...}): sends one
 * Gogo command over the owner-only Unix socket, relays standard input to it, prints what
 * it writes and exits with its status. Runs outside OSGi, from the bundle jar's classpath.
 *
 * <p>Usage: {@code AdminClient SOCKET COMMAND [ARG...]}. Exit status 0 on success, 1 when
 * the command failed, 3 when the server cannot be reached. With no command it reads
 * commands from standard input, one a line, and runs each in turn (an interactive shell
 * at a terminal); the exit status is then the last failure's, or 0.
 */
public final class AdminClient {
    private AdminClient() {
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: AdminClient SOCKET [COMMAND [ARG...]]");
            System.exit(2);
        }
        if (args.length == 1) {
            System.exit(repl(Path.of(args[0])));
        }
        System.exit(run(Path.of(args[0]), CommandLine.join(Arrays.asList(args).subList(1, args.length)),
                System.in));
    }

    private static int repl(Path socket) {
        java.io.Console console = System.console();
        java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
        int status = 0;
        try {
            while (true) {
                if (console != null) {
                    System.out.print("postrider> ");
                    System.out.flush();
                }
                String line = lines.readLine();
                if (line == null) {
                    return status;
                }
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int s = run(socket, line, java.io.InputStream.nullInputStream());
                if (s != 0) {
                    status = s;
                }
            }
        } catch (IOException e) {
            return 3;
        }
    }

    static int run(Path socket, String command, InputStream stdin) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            System.err.println("postrider: cannot reach the admin channel at " + socket + ": " + e.getMessage());
            return 3;
        }
        try (ch) {
            DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
            DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            byte[] line = command.getBytes(StandardCharsets.UTF_8);
            Thread pump = null;
            try {
                AdminFrames.write(out, AdminFrames.COMMAND, line, 0, line.length);
                pump = Thread.ofPlatform().daemon().name("admin-stdin").start(() -> pumpStdin(stdin, out));
            } catch (IOException e) {
                // The server may have refused us and closed already; its answer is still readable.
            }
            while (true) {
                AdminFrames.Frame f = AdminFrames.read(in);
                if (f == null) {
                    System.err.println("postrider: the server closed the admin channel");
                    return 3;
                }
                switch (f.type()) {
                    case AdminFrames.STDOUT -> System.out.write(f.payload());
                    case AdminFrames.STDERR -> System.err.write(f.payload());
                    case AdminFrames.EXIT -> {
                        System.out.flush();
                        System.err.flush();
                        if (pump != null) {
                            pump.interrupt();
                        }
                        return java.nio.ByteBuffer.wrap(f.payload()).getInt();
                    }
                    default -> throw new IOException("unexpected admin frame " + f.type());
                }
            }
        } catch (IOException e) {
            System.err.println("postrider: admin channel failed: " + e.getMessage());
            return 3;
        }
    }

    private static void pumpStdin(InputStream stdin, DataOutputStream out) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = stdin.read(buf)) > 0) {
                AdminFrames.write(out, AdminFrames.STDIN, buf, 0, n);
            }
            AdminFrames.write(out, AdminFrames.STDIN_EOF, buf, 0, 0);
        } catch (IOException e) {
            // The command finished and the channel closed first: nothing more to send.
        }
    }
}
