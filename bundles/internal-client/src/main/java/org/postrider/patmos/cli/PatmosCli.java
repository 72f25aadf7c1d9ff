package org.postrider.patmos.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postrider.api.props.Blob;
import org.postrider.api.props.PropTags;
import org.postrider.patmos.Outcome;
import org.postrider.patmos.Outgoing;
import org.postrider.patmos.PatmosClient;
import org.postrider.patmos.SubmissionInterrupted;
import org.postrider.patmos.Trust;
import org.postrider.patmos.TypedMessage;

/**
 * {@code patmos}: submits mail to a Postrider server over the internal transport, as a user.
 * Either RFC 5322 files as they are ({@code --message FILE}, several pipelined over one
 * connection; {@code -} is standard input), or a message made of typed properties
 * ({@code --subject}, {@code --body}, {@code --attach}...) that the server writes as MIME.
 * Exit status: 0 every message accepted for every recipient, 1 something refused, 2 usage,
 * 3 the server could not be reached, the login failed or the connection failed (the outcomes
 * answered before it are printed). Unless {@code --id} gives one, a message that carries its own
 * Message-ID (a file with that header) gets a transfer id derived from it, so the same command
 * run again after a failure queues nothing twice; any other message (a typed one) a random id,
 * so a command run again on purpose (a daily notice) sends it anew: an unanswered one's id is
 * printed, for a run again with {@code --id}. A message the server had already is said on
 * standard error too.
 */
public final class PatmosCli {
    static final String USAGE = """
            usage: patmos --server HOST[:PORT] (--pin SHA256 | --trust CERTS.pem | --system-trust)
                          --user USER [--password-file FILE]   (else the PATMOS_PASSWORD variable)
                          [--from ADDRESS] --to ADDRESS... [--cc ADDRESS...] [--bcc ADDRESS...]
                          ( --message FILE|- ...
                          | [--subject TEXT] [--body TEXT | --body-file FILE|-] [--html-file FILE]
                            [--attach FILE[;type=TYPE][;name=NAME]...] [--importance low|normal|high]
                            [--sensitivity none|personal|private|confidential] [--class CLASS]
                            [--from-name NAME] )
                          [--id TRANSFER-ID] [--timeout 60s]
            """;

    private PatmosCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.in, System.out, System.err));
    }

    /** Thrown for a bad command line. */
    static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }

    /** The command, for embedding: returns the exit status. */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        Options o;
        List<Outgoing> messages;
        char[] password;
        try {
            o = Options.parse(args);
            password = password(o, env);
            messages = messages(o, stdin);
        } catch (Usage | IllegalArgumentException | IllegalStateException e) {
            err.println("patmos: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("patmos: " + e.getMessage());
            return 2;
        }
        try (PatmosClient c = PatmosClient.connect(o.host, o.port, o.trust, o.user, password, o.timeout)) {
            java.util.Arrays.fill(password, '\0');
            List<Outcome> outcomes = c.submitAll(messages);
            boolean all = true;
            for (Outcome r : outcomes) {
                all &= r.allAccepted();
                out.println(line(r));
                sentBefore(r, err);
            }
            return all ? 0 : 1;
        } catch (IllegalArgumentException e) {
            err.println("patmos: " + e.getMessage());
            return 1;
        } catch (SubmissionInterrupted e) {
            for (Outcome r : e.answered()) {
                out.println(line(r));
                sentBefore(r, err);
            }
            for (String id : e.unanswered()) {
                out.println("unanswered " + id + " (may or may not be queued: run again"
                        + (id.startsWith(Outgoing.DERIVED_PREFIX) ? "" : " with --id " + id) + " to send it once)");
            }
            err.println("patmos: " + o.host + ":" + o.port + ": " + e.getMessage());
            return 3;
        } catch (IOException e) {
            err.println("patmos: " + o.host + ":" + o.port + ": " + e.getMessage());
            return 3;
        }
    }

    /** Not silent: the server queued nothing this time, which a user sending anew must see. */
    private static void sentBefore(Outcome r, PrintStream err) {
        if (r.duplicate()) {
            err.println("patmos: " + r.transferId() + " was sent before (queued as " + r.queueId()
                    + "), not queued again; to send it as a new message, give it --id of its own");
        }
    }

    private static String line(Outcome r) {
        StringBuilder b = new StringBuilder();
        if (r.status() == Outcome.Status.ACCEPTED) {
            b.append("accepted ").append(r.transferId()).append(" queued as ").append(r.queueId());
            if (r.duplicate()) {
                b.append(" (sent before)");
            }
            for (Outcome.RecipientOutcome x : r.recipients()) {
                if (x.status() != Outcome.Status.ACCEPTED) {
                    b.append("\n  refused <").append(x.address()).append(">: ").append(x.enhancedStatus()).append(' ')
                            .append(x.text());
                }
            }
        } else {
            b.append(r.status() == Outcome.Status.REFUSED ? "refused " : "refused for now ").append(r.transferId())
                    .append(": ").append(r.enhancedStatus()).append(' ').append(r.text());
        }
        return b.toString();
    }

    private static char[] password(Options o, Map<String, String> env) throws IOException, Usage {
        if (o.passwordFile != null) {
            String p = Files.readString(o.passwordFile, StandardCharsets.UTF_8);
            return p.strip().toCharArray(); // one line; its line end is not part of it
        }
        String p = env.get("PATMOS_PASSWORD");
        if (p == null) {
            throw new Usage("no password: --password-file FILE or the PATMOS_PASSWORD variable");
        }
        return p.toCharArray();
    }

    private static List<Outgoing> messages(Options o, InputStream stdin) throws IOException, Usage {
        String sender = o.from != null ? o.from : o.user;
        List<Outgoing> out = new ArrayList<>();
        if (!o.messages.isEmpty()) {
            if (o.typedGiven) {
                throw new Usage("--message sends a file as it is: no --subject, --body or --attach with it");
            }
            List<String> rcpts = new ArrayList<>(o.to);
            rcpts.addAll(o.cc);
            rcpts.addAll(o.bcc);
            for (String m : o.messages) {
                out.add(Outgoing.mime(sender, rcpts, file(m.equals("-") ? spool(stdin) : Path.of(m))));
            }
        } else {
            TypedMessage t = new TypedMessage();
            t.from(o.fromName, sender);
            o.to.forEach(a -> t.to(a, null));
            o.cc.forEach(a -> t.cc(a, null));
            o.bcc.forEach(t::bcc);
            if (o.subject != null) {
                t.subject(o.subject);
            }
            if (o.body != null) {
                t.body(o.body);
            } else if (o.bodyFile != null) {
                t.body(Files.readString(o.bodyFile.equals("-") ? spool(stdin) : Path.of(o.bodyFile),
                        StandardCharsets.UTF_8));
            }
            if (o.htmlFile != null) {
                t.html(Files.readString(o.htmlFile, StandardCharsets.UTF_8));
            }
            for (String a : o.attachments) {
                attach(t, a);
            }
            if (o.importance != null) {
                t.importance(o.importance);
            }
            if (o.sensitivity != null) {
                t.sensitivity(o.sensitivity);
            }
            if (o.messageClass != null) {
                t.messageClass(o.messageClass);
            }
            out.add(Outgoing.typed(sender, t.build()));
        }
        if (o.id != null) {
            if (out.size() != 1) {
                throw new Usage("--id names one message");
            }
            out.set(0, out.get(0).withTransferId(o.id));
        } else {
            // a message with its own Message-ID is one message however often it is sent: a run
            // again after a failure sends the same id and the server queues nothing twice. One
            // without (every typed message made here) may be meant again, as a daily cron notice
            // is: it gets a random id, printed if unanswered, for a run again with --id
            for (int i = 0; i < out.size(); i++) {
                if (out.get(i).carriesMessageId()) {
                    out.set(i, out.get(i).withContentTransferId());
                }
            }
        }
        return out;
    }

    /** FILE[;type=TYPE][;name=NAME] */
    private static void attach(TypedMessage t, String spec) throws IOException {
        String[] parts = spec.split(";");
        Path file = Path.of(parts[0]);
        String type = "application/octet-stream";
        String name = file.getFileName().toString();
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith("type=")) {
                type = parts[i].substring(5);
            } else if (parts[i].startsWith("name=")) {
                name = parts[i].substring(5);
            } else {
                throw new IllegalArgumentException("--attach " + spec + ": after the file, type=... or name=...");
            }
        }
        t.attach(name, type, file);
    }

    /** Standard input in a private temporary file: read again if sent again, never held in memory. */
    private static Path spool(InputStream stdin) throws IOException {
        Path p = Files.createTempFile("patmos", ".eml", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        p.toFile().deleteOnExit();
        try (var out = Files.newOutputStream(p)) {
            stdin.transferTo(out);
        }
        return p;
    }

    private static Blob file(Path p) throws IOException {
        long size = Files.size(p);
        return new Blob() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(p);
            }
        };
    }

    /** The command line, parsed. */
    static final class Options {
        String host;
        int port = PatmosClient.DEFAULT_PORT;
        Trust trust;
        String user;
        Path passwordFile;
        String from;
        String fromName;
        final List<String> to = new ArrayList<>();
        final List<String> cc = new ArrayList<>();
        final List<String> bcc = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        final List<String> attachments = new ArrayList<>();
        String subject;
        String body;
        String bodyFile;
        Path htmlFile;
        Integer importance;
        Integer sensitivity;
        String messageClass;
        boolean typedGiven;
        String id;
        Duration timeout = Duration.ofSeconds(60);

        static Options parse(String[] args) throws Usage {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--system-trust")) {
                    o.trust = Trust.system();
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new Usage(a.startsWith("--") ? a + " needs a value" : "unexpected " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--server" -> {
                        int colon = v.lastIndexOf(':');
                        if (colon > 0 && !v.endsWith("]") && v.indexOf(':') == colon) {
                            o.host = v.substring(0, colon);
                            o.port = port(v.substring(colon + 1));
                        } else {
                            o.host = v;
                        }
                    }
                    case "--pin" -> o.trust = Trust.pin(v);
                    case "--trust" -> o.trust = Trust.anchors(Path.of(v));
                    case "--user" -> o.user = v;
                    case "--password-file" -> o.passwordFile = Path.of(v);
                    case "--from" -> o.from = v;
                    case "--from-name" -> o.fromName = v;
                    case "--to" -> o.to.add(v);
                    case "--cc" -> o.cc.add(v);
                    case "--bcc" -> o.bcc.add(v);
                    case "--message" -> o.messages.add(v);
                    case "--id" -> o.id = v;
                    case "--timeout" -> o.timeout = duration(v);
                    default -> o.typed(a, v);
                }
            }
            if (o.host == null || o.user == null || o.trust == null) {
                throw new Usage("--server, --user and one of --pin, --trust, --system-trust are needed");
            }
            if (o.to.isEmpty() && o.cc.isEmpty() && o.bcc.isEmpty()) {
                throw new Usage("no recipient (--to, --cc, --bcc)");
            }
            return o;
        }

        private void typed(String a, String v) throws Usage {
            typedGiven = true;
            switch (a) {
                case "--subject" -> subject = v;
                case "--body" -> body = v;
                case "--body-file" -> bodyFile = v;
                case "--html-file" -> htmlFile = Path.of(v);
                case "--attach" -> attachments.add(v);
                case "--importance" -> importance = switch (v.toLowerCase(Locale.ROOT)) {
                    case "low" -> PropTags.IMPORTANCE_LOW;
                    case "normal" -> PropTags.IMPORTANCE_NORMAL;
                    case "high" -> PropTags.IMPORTANCE_HIGH;
                    default -> throw new Usage("--importance is low, normal or high");
                };
                case "--sensitivity" -> sensitivity = switch (v.toLowerCase(Locale.ROOT)) {
                    case "none" -> PropTags.SENSITIVITY_NONE;
                    case "personal" -> PropTags.SENSITIVITY_PERSONAL;
                    case "private" -> PropTags.SENSITIVITY_PRIVATE;
                    case "confidential" -> PropTags.SENSITIVITY_CONFIDENTIAL;
                    default -> throw new Usage("--sensitivity is none, personal, private or confidential");
                };
                case "--class" -> messageClass = v;
                default -> throw new Usage("unknown option " + a);
            }
        }

        private static int port(String v) throws Usage {
            try {
                int p = Integer.parseInt(v);
                if (p < 1 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new Usage("bad port " + v);
            }
        }

        private static Duration duration(String v) throws Usage {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,6})(ms|s|m)").matcher(v);
            if (!m.matches()) {
                throw new Usage("a timeout is like 500ms, 60s or 5m");
            }
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMinutes(n);
            };
        }
    }
}
