package org.postrider.core;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.QueueException;
import org.postrider.api.queue.QueueId;
import org.postrider.api.queue.Submission;
import org.postrider.api.queue.Verdict;
import org.postrider.api.org.Organisation;
import org.postrider.api.track.RemoteTracking;
import org.postrider.api.track.TrackEvent;
import org.postrider.kit.gogo.CommandRegistrar;

/** The {@code queue:} Gogo scope. */
@Component(immediate = true, service = {})
public class QueueCommands {
    private final CoreQueue queue;
    private final CommandRegistrar registrar;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile RemoteTracking remoteTracking;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Organisation organisation;

    @Activate
    public QueueCommands(BundleContext context, @Reference CoreQueue queue) {
        this.queue = queue;
        this.registrar = CommandRegistrar.register(context, "queue", this);
    }

    @Deactivate
    void deactivate() {
        registrar.close();
    }

    @Descriptor("list queued messages; a filter matches id, sender, recipients or last error")
    public String list(@Descriptor("text to look for") String... filter) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (CoreQueue.Unreadable u : queue.unreadable()) {
            String line = String.format("%-16s %-5s unreadable: %s", u.id(), "HELD", u.reason());
            if (filter.length == 0 || line.contains(filter[0])) {
                sb.append(line).append('\n');
                n++;
            }
        }
        for (QueuedMessage e : queue.entries()) {
            String line = String.format("%-16s %-5s %3d attempts <%s> -> %s%s", e.id,
                    e.state.held ? "HELD" : e.running() ? "BUSY" : "", e.state.attempts,
                    e.envelope.sender() == null ? "" : e.envelope.sender(),
                    e.envelope.recipients().stream().map(r -> r.address().toString()).toList(),
                    e.state.lastError == null ? "" : "  (" + e.state.lastError + ")");
            if (filter.length == 0 || line.contains(filter[0])) {
                sb.append(line).append('\n');
                n++;
            }
        }
        return sb.append(n).append(" messages\n").toString();
    }

    @Descriptor("show one message: envelope, per-recipient state, attempts, next attempt, last error")
    public String show(@Descriptor("the queue id") String id) {
        QueuedMessage e = queue.entry(id);
        MessageState s = e.state;
        StringBuilder sb = new StringBuilder();
        sb.append("id:           ").append(e.id).append('\n');
        sb.append("sender:       <").append(e.envelope.sender() == null ? "" : e.envelope.sender()).append(">\n");
        sb.append("arrived:      ").append(e.envelope.origin().received()).append(" via ")
                .append(e.envelope.origin().protocol()).append('\n');
        if (e.propertiesSize >= 0) {
            sb.append("properties:   ").append(e.propertiesSize).append(" octets (typed property set)\n");
        }
        sb.append("attempts:     ").append(s.attempts).append('\n');
        sb.append("next attempt: ").append(s.nextAttempt == 0 ? "now" : Instant.ofEpochMilli(s.nextAttempt))
                .append(s.held ? " (held)" : "").append('\n');
        sb.append("last error:   ").append(s.lastError == null ? "" : s.lastError).append('\n');
        for (int i = 0; i < s.rcpts.size(); i++) {
            MessageState.Rcpt r = s.rcpts.get(i);
            sb.append("recipient:    <").append(e.envelope.recipients().get(i).address()).append("> ")
                    .append(r.status).append(r.code != null ? " " + r.code + " " + r.diagnostic : "").append('\n');
            for (MessageState.MemberFailure f : List.copyOf(r.memberFailures)) {
                sb.append("  member:     <").append(f.address()).append("> FAILED ").append(f.code()).append(' ')
                        .append(f.diagnostic()).append('\n');
            }
        }
        return sb.toString();
    }

    @Descriptor("attempt every queued message now (held ones excepted)")
    public String flush() {
        return queue.flush() + " messages scheduled now";
    }

    @Descriptor("attempt one message now")
    public String retry(@Descriptor("the queue id") String id) {
        return queue.retryNow(queue.entry(id));
    }

    @Descriptor("keep a message in the queue without attempting it")
    public String hold(@Descriptor("the queue id") String id) {
        return queue.hold(queue.entry(id), true);
    }

    @Descriptor("release a held message; for an unreadable one, read its spool file again (after a repair)")
    public String release(@Descriptor("the queue id") String id) {
        String reread = queue.rereadUnreadable(id);
        return reread != null ? reread : queue.hold(queue.entry(id), false);
    }

    @Descriptor("delete a message (also an unreadable one) without notice to anyone")
    public String delete(@Descriptor("the queue id") String id) throws IOException {
        String gone = queue.deleteUnreadable(id);
        return gone != null ? gone : queue.delete(queue.entry(id));
    }

    @Descriptor("return a message to its sender with a failure notice")
    public String bounce(@Descriptor("the queue id") String id) {
        return queue.bounce(queue.entry(id));
    }

    @Descriptor("follow a message by its Message-ID across the organisation: each server's events (accepted,"
            + " delivered, relayed to which server or host, deferred, bounced, notices), oldest first")
    public String track(@Descriptor("the Message-ID, with or without <>") String messageId) {
        Organisation org = organisation;
        OrgTrace.Result r = OrgTrace.follow(queue.serverName(), messageId, queue, remoteTracking,
                name -> org != null && org.server(name).isPresent());
        StringBuilder sb = new StringBuilder();
        if (r.events().isEmpty()) {
            sb.append("no events for <").append(messageId.replaceAll("^\\s*<|>\\s*$", "")).append(">\n");
        }
        for (TrackEvent e : r.events()) {
            sb.append(e.time()).append("  ").append(String.format("%-10s %-16s %-9s", e.server(), e.queueId(), e.kind()));
            if (e.recipient() != null) {
                sb.append(" to=<").append(e.recipient()).append('>');
            }
            if (e.via() != null) {
                sb.append(e.kind() == TrackEvent.Kind.ACCEPTED ? " proto=" : " via=").append(e.via());
            }
            if (e.peer() != null) {
                sb.append(e.kind() == TrackEvent.Kind.ACCEPTED ? " from=" : " dest=").append(e.peer());
            }
            if (e.detail() != null) {
                sb.append("  ").append(e.detail());
            }
            sb.append('\n');
        }
        for (String u : r.unreachable()) {
            sb.append("not asked: ").append(u).append('\n');
        }
        return sb.toString();
    }

    @Descriptor("counters since start: queued now, accepted, delivered, deferred, failed; unreadable now")
    public String stats() {
        long[] s = queue.stats();
        return "queued:    " + s[0] + "\naccepted:  " + s[1] + "\ndelivered: " + s[2] + "\ndeferred:  " + s[3]
                + "\nfailed:    " + s[4] + "\nunreadable: " + s[5] + "\n";
    }

    @Descriptor("queue a message read from FILE (- for standard input) for the given envelope; "
            + "bare LF line ends become CRLF; recipients are checked as at RCPT time")
    public String submit(CommandSession session, @Descriptor("a file on the server, or -") String file,
            @Descriptor("the envelope sender; <> for none") String sender,
            @Descriptor("envelope recipients") String... recipients)
            throws IOException, InvalidAddressException, QueueException {
        if (recipients.length == 0) {
            throw new IllegalArgumentException("at least one recipient");
        }
        MailAddress from = sender.equals("<>") || sender.isEmpty() ? null : MailAddress.parse(strip(sender));
        List<Recipient> rcpts = new ArrayList<>();
        for (String r : recipients) {
            MailAddress a = MailAddress.parse(strip(r));
            Verdict v = queue.router().checkRecipient(from, a, true);
            if (!v.accepted()) {
                throw new IllegalArgumentException(v.replyCode() + " " + v.enhancedCode() + " " + v.text());
            }
            rcpts.add(Recipient.of(a));
        }
        Envelope env = new Envelope(from, rcpts, org.postrider.api.message.BodyType.EIGHT_BIT_MIME, false, -1, null,
                null, Origin.local("local"));
        try (InputStream in = file.equals("-") ? session.getKeyboard() : Files.newInputStream(Path.of(file));
                Submission sub = queue.begin(env)) {
            copyCrlf(new BufferedInputStream(in), sub.content());
            QueueId id = sub.commit();
            return "queued as " + id;
        }
    }

    private static String strip(String a) {
        return a.startsWith("<") && a.endsWith(">") ? a.substring(1, a.length() - 1) : a;
    }

    /** Copies, turning a bare LF into CRLF, so a file written with Unix line ends is a valid message. */
    static void copyCrlf(InputStream in, OutputStream out) throws IOException {
        int prev = -1;
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n' && prev != '\r') {
                out.write('\r');
            }
            out.write(b);
            prev = b;
        }
    }
}
