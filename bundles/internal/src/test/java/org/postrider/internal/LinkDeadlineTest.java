package org.postrider.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.postrider.api.org.OrgServer;
import org.postrider.internal.proto.Hello;

/** The sending side's handshake has one deadline: a peer trickling its HELLO cannot stretch it read by read. */
class LinkDeadlineTest {
    @Test
    void aPeerThatTricklesItsHelloIsLeftAtTheConnectTimeout() throws Exception {
        Path dir = Files.createTempDirectory("deadline");
        Map<String, Object> o = new HashMap<>();
        o.put("port", -1);
        o.put("secretFile", dir.resolve("org.secret").toString());
        InternalService hermes = new InternalService("hermes", InternalLinkTest.config(o), dir.resolve("tls"), null);
        try (SSLServerSocket server = (SSLServerSocket) hermes.trusting().getServerSocketFactory().createServerSocket(0)) {
            Thread trickler = Thread.ofVirtual().start(() -> {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                    java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
                    new Hello(1, 1, 1, "athena", 1 << 20, 1 << 26, 32, Hello.AUTH_HMAC, new byte[32]).encode()
                            .writeTo(frame);
                    OutputStream out = s.getOutputStream();
                    for (byte b : frame.toByteArray()) { // one octet every 250 ms: each read waits less than 1 s
                        out.write(b);
                        out.flush();
                        Thread.sleep(250);
                    }
                    Thread.sleep(60_000);
                } catch (IOException | InterruptedException e) {
                    // the client left: done
                }
            });
            Link link = new Link(new OrgServer("athena", "127.0.0.1", server.getLocalPort(), null),
                    new Link.Settings("hermes", hermes.trusting(), new byte[32], false, Duration.ofSeconds(1),
                            Duration.ofSeconds(10)));
            long t0 = System.nanoTime();
            assertThrows(IOException.class, link::open);
            long took = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(took < 4000, "the handshake was given up after " + took + " ms, not at about 1 s");
            trickler.interrupt();
        } finally {
            hermes.deactivate();
        }
    }
}
