package com.example.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

/** The gateway outside the server: the API's records are plain Java, a Delivery is made by hand. */
class ExampleGatewayTest {
    @TempDir
    Path root;

    private ExampleGateway gateway() throws Exception {
        ExampleGateway g = new ExampleGateway();
        g.configure(new ExampleGateway.Config() {
            public String id() {
                return "example";
            }

            public String[] addressSpaces() {
                return new String[] {"SMTP:*@example.test;10"};
            }

            public String root() {
                return root.toString();
            }

            public Class<? extends Annotation> annotationType() {
                return ExampleGateway.Config.class;
            }
        });
        return g;
    }

    private static Delivery delivery(String text, String... to) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        MessageContent content = new MessageContent() {
            public long size() {
                return b.length;
            }

            public InputStream open() {
                return new ByteArrayInputStream(b);
            }
        };
        List<MailAddress> rcpts = new java.util.ArrayList<>();
        for (String a : to) {
            rcpts.add(MailAddress.parse(a));
        }
        return new Delivery(new QueueId("Q1"), Envelope.of(MailAddress.parse("alice@example.org"), rcpts,
                Origin.local("test")), content, "example", 1);
    }

    @Test
    void eachRecipientGetsItsOwnResult() throws Exception {
        Files.createDirectories(root.resolve("bob"));
        List<RecipientResult> r = gateway().deliver(delivery("Subject: x\r\n\r\nhi\r\n", "bob@example.test",
                "nobody@example.test"));
        assertEquals(DeliveryStatus.DELIVERED, r.get(0).status());
        assertEquals(DeliveryStatus.FAILED, r.get(1).status());
        assertEquals("5.1.1", r.get(1).enhancedCode());
        assertEquals("Subject: x\r\n\r\nhi\r\n", Files.readString(root.resolve("bob/Q1.eml")));
    }

    @Test
    void theSameDeliveryAgainLeavesOneCopy() throws Exception {
        Files.createDirectories(root.resolve("bob"));
        ExampleGateway g = gateway();
        g.deliver(delivery("Subject: x\r\n\r\nhi\r\n", "bob@example.test"));
        g.deliver(delivery("Subject: x\r\n\r\nhi\r\n", "bob@example.test"));
        try (var files = Files.list(root.resolve("bob"))) {
            assertEquals(1, files.count());
        }
    }
}
