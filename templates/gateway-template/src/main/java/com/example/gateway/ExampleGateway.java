package com.example.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.postrider.api.gateway.AddressSpace;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.RecipientResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A template gateway: it delivers an address space into a "foreign system" that is a folder
 * of mailboxes, one sub-folder a user ({@code root/bob/} for bob@...). Replace {@link #deliverOne}
 * with the talk to your system; keep the rest:
 * <ul>
 * <li>register as a {@link Gateway} service only: the queue makes it the delivery agent of
 *     transport {@code gateway:ID};</li>
 * <li>one result per recipient: DELIVERED (in a mailbox over there), RELAYED (handed over, no
 *     report will come), RETRY with a status (tried again on the queue's schedule, bounced after
 *     its lifetime), FAILED with a status (bounced now); an exception means "retry all";</li>
 * <li>be idempotent by {@code Delivery.queueId()}: after a crash the same delivery comes again.</li>
 * </ul>
 * Configured by {@code deploy/com.example.gateway.cfg} (the configuration PID below).
 */
@Component(service = Gateway.class, configurationPid = "com.example.gateway")
@Designate(ocd = ExampleGateway.Config.class)
public class ExampleGateway implements Gateway {
    private static final Logger LOG = LoggerFactory.getLogger(ExampleGateway.class);

    @ObjectClassDefinition(name = "Example gateway")
    public @interface Config {
        @AttributeDefinition(description = "The gateway's id: lower case letters, digits, '-'")
        String id() default "example";

        @AttributeDefinition(description = "Address spaces served, each TYPE:PATTERN;COST")
        String[] addressSpaces() default {"SMTP:*@example.test;10"};

        @AttributeDefinition(description = "The folder of mailboxes: one sub-folder a user")
        String root() default "data/example-gateway";
    }

    private volatile Config config;
    private volatile List<AddressSpace> spaces = List.of();

    /** Called at start and at each change of the .cfg, without a restart. */
    @Activate
    @Modified
    void configure(Config c) throws IOException {
        List<AddressSpace> parsed = new ArrayList<>();
        for (String s : c.addressSpaces()) {
            int colon = s.indexOf(':');
            int semi = s.lastIndexOf(';');
            if (colon <= 0 || semi < colon + 2) {
                throw new IllegalArgumentException("an address space is TYPE:PATTERN;COST, not " + s);
            }
            parsed.add(new AddressSpace(s.substring(0, colon), s.substring(colon + 1, semi),
                    Integer.parseInt(s.substring(semi + 1).trim())));
        }
        Files.createDirectories(Path.of(c.root()));
        this.spaces = List.copyOf(parsed);
        this.config = c;
        LOG.info("Example gateway {} serves {} into {}", c.id(), spaces, c.root());
    }

    @Override
    public String id() {
        return config.id();
    }

    @Override
    public List<AddressSpace> addressSpaces() {
        return spaces;
    }

    @Override
    public List<RecipientResult> deliver(Delivery d) {
        Path root = Path.of(config.root());
        List<RecipientResult> results = new ArrayList<>();
        for (Recipient r : d.envelope().recipients()) {
            results.add(deliverOne(root, d, r));
        }
        return results;
    }

    /** One recipient: its own result, whatever happens to the others. */
    private RecipientResult deliverOne(Path root, Delivery d, Recipient r) {
        String user = r.address().localPart().toLowerCase(Locale.ROOT);
        if (!user.matches("[a-z0-9._-]{1,64}") || user.startsWith(".")) {
            return RecipientResult.failed(r, "5.1.3", "no such mailbox name on the example system");
        }
        Path mailbox = root.resolve(user);
        if (!Files.isDirectory(mailbox)) {
            return RecipientResult.failed(r, "5.1.1", "the example system has no mailbox " + user);
        }
        // the queue id makes the name: a delivery made again after a crash replaces, never doubles
        Path target = mailbox.resolve(d.queueId() + ".eml");
        Path tmp = mailbox.resolve("." + d.queueId() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)); InputStream in = d.content().open()) {
                OutputStream out = Channels.newOutputStream(ch);
                in.transferTo(out);
                out.flush();
                ch.force(true); // on disk before we say "delivered": the queue forgets it then
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(mailbox, StandardOpenOption.READ)) {
                dir.force(true);
            }
            return RecipientResult.delivered(r, "stored as " + user + "/" + target.getFileName());
        } catch (IOException e) {
            // a full disk, a permission: temporary, the queue tries again later
            return RecipientResult.retry(r, "4.3.0", "the example system cannot store it now: " + e.getMessage());
        }
    }
}
