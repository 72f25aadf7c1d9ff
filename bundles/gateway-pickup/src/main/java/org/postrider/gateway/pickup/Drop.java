package org.postrider.gateway.pickup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.DeliveryStatus;
import org.postrider.api.queue.RecipientResult;

/**
 * Writes a delivery into the drop folder as one file: the envelope lines, then the message
 * (CRLF line ends, as IIS wrote .eml files). The file appears whole or not at all, and is on
 * disk before the queue is told. Its name comes from the queue id and the recipients, so the
 * same delivery made again after a crash (the result lost) finds its file and is not
 * written twice while the foreign system has not taken it yet.
 */
final class Drop {
    private final Path dir;

    Drop(Path dir) {
        this.dir = dir;
    }

    List<RecipientResult> deliver(Delivery d) throws IOException {
        List<MailAddress> rcpts = d.envelope().recipients().stream().map(Recipient::address).toList();
        String foreign = foreignAddress(d.destination());
        if (foreign != null && !EnvelopeLines.isForeignValue(foreign)) {
            String why = "the foreign address is not one a drop file can carry (control characters, or longer than "
                    + EnvelopeLines.MAX_LINE + " octets)";
            return d.envelope().recipients().stream().map(r -> RecipientResult.failed(r, "5.1.3", why)).toList();
        }
        Path target = dir.resolve(fileName(d, rcpts));
        String said;
        if (Files.exists(target)) {
            said = "in the drop directory already as " + target.getFileName();
        } else {
            byte[] head = EnvelopeLines.format(d.envelope().sender(), rcpts, foreign);
            DurableWrite.write(target, out -> {
                out.write(head);
                try (InputStream in = d.content().open()) {
                    in.transferTo(out);
                }
            });
            said = "written to the drop directory as " + target.getFileName();
        }
        // the foreign system takes it from there and reports nothing back
        return d.envelope().recipients().stream()
                .map(r -> new RecipientResult(r, DeliveryStatus.RELAYED, "2.0.0", said, null)).toList();
    }

    /**
     * The foreign address of a custom recipient of the Directory, {@code TYPE:address} (the
     * gateway contract gives it as the destination), or null: the destination is then the
     * gateway's id, which has no colon.
     */
    static String foreignAddress(String destination) {
        return destination != null && destination.indexOf(':') > 0 ? destination : null;
    }

    /** QUEUEID-HASH.eml: one name per message and set of recipients. */
    static String fileName(Delivery d, List<MailAddress> rcpts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            rcpts.stream().map(MailAddress::toString).sorted()
                    .forEach(a -> sha.update((a + "\n").getBytes(StandardCharsets.UTF_8)));
            return d.queueId() + "-" + HexFormat.of().formatHex(sha.digest(), 0, 8) + ".eml";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
