package org.postrider.runtime.admin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postrider.runtime.status.RunDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin channel: Gogo commands over a Unix domain socket that only the server's owner
 * can reach. Three locks: the run directory is 0700, the socket 0600, and the peer's
 * credentials (SO_PEERCRED) must name the socket's owner, which also shuts out root when
 * the server runs as another user. There is no TCP port; Gogo's telnetd is not started.
 */
@Component(immediate = true)
public class AdminServer {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final CommandProcessor processor;
    private final Path socket;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    @Activate
    public AdminServer(@Reference CommandProcessor processor, BundleContext context) throws IOException {
        this.processor = processor;
        Path dir = RunDir.of(context);
        this.socket = dir.resolve("admin.sock");
        Files.deleteIfExists(socket);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        owner = Files.getOwner(socket);
        Thread.ofVirtual().name("admin-accept").start(this::acceptLoop);
        LOG.info("Admin channel listening on {} (owner {})", socket, owner.getName());
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                open.add(ch);
                Thread.ofVirtual().name("admin-session").start(() -> {
                    try {
                        new AdminSession(ch, owner, processor).run();
                    } finally {
                        open.remove(ch);
                    }
                });
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.warn("Admin channel accept failed", e);
            }
        }
    }

    @Deactivate
    void deactivate() throws IOException {
        server.close();
        for (SocketChannel ch : open) {
            ch.close();
        }
        Files.deleteIfExists(socket);
        LOG.info("Admin channel closed");
    }
}
