package org.postrider.itest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * The pickup/drop directory gateway as an administrator deploys it (optional/gateway-pickup.jar
 * and its .cfg copied into deploy/): mail for its address space is written to the drop
 * directory in IIS's x-sender/x-receiver form, files a foreign system renames into the pickup
 * directory are delivered, bad ones are set aside with a reason, and a kill -9 in the middle of
 * a pickup loses no file and queues none twice.
 */
class PickupGatewayIT {
    @RegisterExtension
    final Instances instances = new Instances();

    private Path drop;
    private Path pickup;

    private Instance athena() throws Exception {
        Instance athena = instances.create("athena");
        drop = athena.home().resolve("data/files/drop");
        pickup = athena.home().resolve("data/files/pickup");
        // a typed .config, as an administrator writes one for several address spaces
        Files.writeString(athena.home().resolve("deploy/org.postrider.gateway.pickup.config"), """
                id="files"
                addressSpaces=["SMTP:*@files.example.org;1","FAX:*;1"]
                dropDirectory="%s"
                pickupDirectory="%s"
                pollMillis="200"
                """.formatted(drop, pickup));
        athena.deploy(Instance.distribution().resolve("optional/gateway-pickup.jar"), "gateway-pickup.jar");
        athena.start();
        Await.until("the pickup gateway bound", Duration.ofSeconds(20), () -> athena.admin("gateway:list").ok().out(),
                o -> o.contains("gateway:files            bound"));
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        return athena;
    }

    /** As the foreign system must: written under a dot name, then renamed in. */
    private void putFile(String name, String content) throws Exception {
        Path tmp = pickup.resolve("." + name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, pickup.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Files not queued yet: in the pickup directory, or claimed (renamed into claimed/) and not removed. */
    private int left() throws Exception {
        return files(pickup).size() + files(pickup.resolve("claimed")).size();
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                    .toList();
        }
    }

    @Test
    void mailForTheAddressSpaceIsDroppedAsAFileWithItsEnvelope() throws Exception {
        Instance athena = athena();
        String out = Python.run(athena.home(), """
                import smtplib, ssl, sys
                ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.login('alice@example.org', 'alice-pw')
                body = b'From: alice@example.org\\r\\nTo: bob@files.example.org\\r\\nSubject: to the files\\r\\nMessage-ID: <dropped@example.org>\\r\\n\\r\\nhello files\\r\\n'
                print('sent', s.sendmail('alice@example.org', ['bob@files.example.org', 'carol@files.example.org'], body)); s.quit()
                """, String.valueOf(athena.listenerPort("submission"))).ok().out();
        assertTrue(out.contains("sent {}"), out);
        List<Path> dropped = Await.until("the file in the drop directory", Duration.ofSeconds(30), () -> files(drop),
                l -> l.size() == 1);
        String f = Files.readString(dropped.get(0), StandardCharsets.UTF_8);
        assertTrue(f.startsWith("x-sender: <alice@example.org>\r\nx-receiver: <bob@files.example.org>\r\n"
                + "x-receiver: <carol@files.example.org>\r\nReceived: "), f);
        assertTrue(f.contains("Message-ID: <dropped@example.org>") && f.endsWith("\r\n\r\nhello files\r\n"), f);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"));
        assertTrue(log.contains("to=<bob@files.example.org> via=gateway:files"), log);
        try (Stream<Path> s = Files.list(drop)) {
            assertEquals(1, s.count(), "no temporary file left beside it");
        }
    }

    @Test
    void aCustomRecipientOfTheDirectoryGoesThroughTheGatewayServingItsType() throws Exception {
        Instance athena = athena();
        athena.admin("dir:custom-add", "smith@example.org", "FAX:+1-555-0100").ok();
        assertTrue(athena.admin("dir:custom-list").ok().out().contains("smith@example.org -> FAX:+1-555-0100"));
        String route = athena.admin("gateway:test", "smith@example.org").ok().out();
        assertTrue(route.contains("gateway:files -> FAX:+1-555-0100"), route);
        athena.submit(message(athena, "to-fax"), "alice@example.org", "smith@example.org");
        List<Path> dropped = Await.until("the custom recipient's file in the drop directory", Duration.ofSeconds(30),
                () -> files(drop), l -> l.size() == 1);
        String f = Files.readString(dropped.get(0), StandardCharsets.UTF_8);
        // our address, then the foreign address the foreign system knows the recipient by
        assertTrue(f.startsWith("x-sender: <alice@example.org>\r\nx-receiver: <smith@example.org>\r\n"
                + "x-foreign-receiver: FAX:+1-555-0100\r\nReceived: "), f);
        athena.awaitQueueEmpty(Duration.ofSeconds(20));
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"));
        assertTrue(log.contains("to=<smith@example.org> via=gateway:files dest=FAX:+1-555-0100"), log);
    }

    private static Path message(Instance i, String id) throws Exception {
        Path p = i.home().resolve(id + ".eml");
        Files.writeString(p, "From: alice@example.org\r\nSubject: fax\r\nMessage-ID: <" + id
                + "@example.org>\r\n\r\nbody\r\n");
        return p;
    }

    @Test
    void filesInThePickupDirectoryAreDeliveredAndBadOnesSetAsideWithAReason() throws Exception {
        Instance athena = athena();
        putFile("good.eml", "x-sender: app@files.example.org\nx-receiver: alice@example.org\n"
                + "From: app@files.example.org\nSubject: from the files\nMessage-ID: <picked@files.example.org>\n\nline one\nline two\n");
        putFile("unknown.eml", "x-sender: app@files.example.org\nx-receiver: nobody@example.org\nSubject: x\n\nbody\n");
        putFile("garbage.eml", "Subject: no envelope at all\n\nbody\n");
        putFile("relay.eml", "x-sender: app@files.example.org\nx-receiver: someone@example.net\nSubject: x\n\nbody\n");

        List<Path> got = Await.until("the picked-up message in alice's INBOX", Duration.ofSeconds(30),
                () -> athena.messages(athena.inbox("alice", "example.org")), l -> l.size() == 1);
        String m = Files.readString(got.get(0), StandardCharsets.UTF_8);
        assertTrue(m.contains("Message-ID: <picked@files.example.org>"), m);
        assertTrue(m.endsWith("\r\n\r\nline one\r\nline two\r\n"), "stored with CRLF line ends: " + m);
        assertTrue(m.contains("with gateway:files id "), "the queue's trace names the gateway: " + m);

        Path bad = pickup.resolve("bad");
        Await.until("the bad files set aside", Duration.ofSeconds(30), () -> files(bad).size(), n -> n == 6);
        assertTrue(files(pickup).isEmpty(), "nothing left to read again: " + files(pickup));
        assertTrue(Files.readString(bad.resolve("unknown.eml.reason")).contains("<nobody@example.org> refused: 550 5.1.1"));
        assertTrue(Files.readString(bad.resolve("garbage.eml.reason")).contains("no x-sender line"));
        assertTrue(Files.readString(bad.resolve("relay.eml.reason")).contains("relay access denied"),
                "no relay from the pickup directory unless configured");
        assertTrue(Files.readString(bad.resolve("garbage.eml")).equals("Subject: no envelope at all\n\nbody\n"),
                "a bad file is kept as it was");
        String log = Files.readString(athena.home().resolve("data/log/postrider.log"));
        assertTrue(log.contains("picked up file=good.eml id="), log);
        assertTrue(log.contains("proto=gateway:files"), log);
    }

    @Test
    void aKillDuringAPickupLosesNoFileAndQueuesNoneTwice() throws Exception {
        Instance athena = athena();
        int n = 600;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            body.append("some text to make the message a little longer, line ").append(i).append('\n');
        }
        // written apart, then renamed in all at once, so the kill finds most of them still there
        Path staging = Files.createDirectories(athena.home().resolve("data/files/staging"));
        for (int i = 0; i < n; i++) {
            Files.writeString(staging.resolve("m" + i + ".eml"), "x-sender: app@files.example.org\n"
                    + "x-receiver: alice@example.org\nSubject: " + i + "\nMessage-ID: <m" + i + "@files.example.org>\n\n"
                    + body);
        }
        for (int i = 0; i < n; i++) {
            Files.move(staging.resolve("m" + i + ".eml"), pickup.resolve("m" + i + ".eml"), StandardCopyOption.ATOMIC_MOVE);
        }
        Await.until("some files taken", Duration.ofSeconds(30), () -> left(), left -> left < n - 20);
        athena.kill9();
        int leftAtKill = left();
        assertTrue(leftAtKill > 0, "killed in the middle, not after the last file");
        athena.start();
        Await.until("every file taken", Duration.ofSeconds(60), () -> left(), left -> left == 0);
        athena.awaitQueueEmpty(Duration.ofSeconds(60));
        List<Path> inbox = athena.messages(athena.inbox("alice", "example.org"));
        Set<String> ids = new HashSet<>();
        for (Path p : inbox) {
            String m = Files.readString(p, StandardCharsets.UTF_8);
            int at = m.indexOf("Message-ID: <m");
            assertTrue(at >= 0, m);
            assertTrue(ids.add(m.substring(at, m.indexOf('>', at))), "delivered twice: " + m.substring(at, at + 40));
        }
        assertEquals(n, ids.size(), "every file delivered once (" + leftAtKill + " were left at the kill)");
        assertTrue(files(pickup.resolve("bad")).isEmpty(), "none set aside: " + files(pickup.resolve("bad")));
    }
}
