package org.postrider.gateway.pickup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.RecipientResult;

class DropTest {
    @TempDir
    Path dir;

    private static Delivery delivery(String text, String... rcpts) throws Exception {
        return deliveryTo("files", text, rcpts);
    }

    private static Delivery deliveryTo(String destination, String text, String... rcpts) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        MessageContent content = MessageContent.of(b);
        List<MailAddress> to = Stream.of(rcpts).map(a -> {
            try {
                return MailAddress.parse(a);
            } catch (Exception e) {
                throw new IllegalArgumentException(e);
            }
        }).toList();
        return new Delivery(new QueueId("Q1"), Envelope.of(MailAddress.parse("alice@example.org"), to,
                Origin.local("test")), content, destination, 1);
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesTheEnvelopeLinesThenTheMessageAndReportsRelayed() throws Exception {
        List<RecipientResult> r = new Drop(dir).deliver(delivery("Subject: x\r\n\r\nbody\r\n", "b@files.example",
                "c@files.example"));
        assertEquals(2, r.size());
        assertTrue(r.stream().allMatch(x -> x.status() == DeliveryStatus.RELAYED), r.toString());
        List<Path> f = files();
        assertEquals(1, f.size(), "one file, no temporary left: " + f);
        assertEquals("x-sender: <alice@example.org>\r\nx-receiver: <b@files.example>\r\nx-receiver: <c@files.example>\r\n"
                + "Subject: x\r\n\r\nbody\r\n", Files.readString(f.get(0)));
        byte[] all = Files.readAllBytes(f.get(0));
        EnvelopeLines.Parsed p = EnvelopeLines.parse(all, all.length, true, 100);
        assertEquals(2, p.recipients().size(), "what the drop writes, a pickup reads");
    }

    /**
     * A custom recipient of the Directory comes with its foreign address as the destination
     * (the gateway contract): the file names it for the foreign system, after our address.
     */
    @Test
    void aCustomRecipientIsWrittenWithItsForeignAddress() throws Exception {
        List<RecipientResult> r = new Drop(dir).deliver(deliveryTo("FAX:+1-555-0100", "Subject: x\r\n\r\nbody\r\n",
                "smith@example.org"));
        assertEquals(DeliveryStatus.RELAYED, r.get(0).status(), r.toString());
        List<Path> f = files();
        assertEquals(1, f.size(), f.toString());
        assertEquals("x-sender: <alice@example.org>\r\nx-receiver: <smith@example.org>\r\n"
                + "x-foreign-receiver: FAX:+1-555-0100\r\nSubject: x\r\n\r\nbody\r\n", Files.readString(f.get(0)));
    }

    /** A foreign address that would break the file's lines is refused, not written. */
    @Test
    void aForeignAddressThatIsNoLineIsRefused() throws Exception {
        List<RecipientResult> r = new Drop(dir).deliver(deliveryTo("FAX:+1\r\nx-receiver: <evil@example.net>",
                "Subject: x\r\n\r\nbody\r\n", "smith@example.org"));
        assertEquals(DeliveryStatus.FAILED, r.get(0).status(), r.toString());
        assertEquals("5.1.3", r.get(0).enhancedCode());
        assertEquals(List.of(), files());
        r = new Drop(dir).deliver(deliveryTo("X400:" + "a".repeat(1000), "Subject: x\r\n\r\nbody\r\n",
                "smith@example.org"));
        assertEquals(DeliveryStatus.FAILED, r.get(0).status(), r.toString());
        assertEquals(List.of(), files());
    }

    @Test
    void theSameDeliveryAgainWritesNoSecondFile() throws Exception {
        Drop drop = new Drop(dir);
        drop.deliver(delivery("Subject: x\r\n\r\nbody\r\n", "b@files.example"));
        List<RecipientResult> again = drop.deliver(delivery("Subject: x\r\n\r\nbody\r\n", "b@files.example"));
        assertEquals(1, files().size());
        assertTrue(again.get(0).diagnostic().contains("already"), again.toString());
        drop.deliver(delivery("Subject: x\r\n\r\nbody\r\n", "other@files.example"));
        assertEquals(2, files().size(), "other recipients of the same message are another file");
    }

    @Test
    void leftoversOfACrashAreRemovedButNotAFreshWrite() throws Exception {
        Path old = Files.writeString(dir.resolve(DurableWrite.TEMP_PREFIX + "old"), "half");
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Path fresh = Files.writeString(dir.resolve(DurableWrite.TEMP_PREFIX + "fresh"), "being written");
        assertEquals(1, DurableWrite.removeLeftovers(dir, java.time.Duration.ofHours(1)));
        assertTrue(Files.exists(fresh) && !Files.exists(old));
    }
}
