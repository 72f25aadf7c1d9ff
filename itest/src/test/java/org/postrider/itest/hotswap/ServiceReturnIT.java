package org.postrider.itest.hotswap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.ScriptedGateway;

/**
 * Mail deferred because the service it needs is absent is tried again as soon as that
 * service is back, not at its next scheduled retry (an hour away here): the gateway of its
 * address space, the delivery agent of its transport (smtp). The store's case is
 * LiveUpdateIT#mailDeferredWhileTheStoreIsAwayGoesAsSoonAsItReturns.
 */
class ServiceReturnIT {
    @RegisterExtension
    final Instances instances = new Instances();

    @Test
    void mailForAGatewayThatIsAwayGoesAsSoonAsItReturns() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1h", "agentWait", "1h"));
        Path outbox = athena.home().resolve("data/scripted");
        ScriptedGateway.install(athena, Map.of("outbox", outbox.toString()));
        athena.start();
        ScriptedGateway.awaitBound(athena);
        Path jar = athena.home().resolve("deploy/gateway-scripted.jar");
        Path aside = athena.home().resolve("gateway-aside.jar");
        Files.move(jar, aside, StandardCopyOption.ATOMIC_MOVE);
        Await.until("the gateway gone", Duration.ofSeconds(30), () -> athena.admin("gateway:list").ok().out(),
                o -> !o.contains("gateway:scripted         bound"));

        String id = submit(athena, "x@scripted.test");
        Await.until("the message waiting for the gateway's agent", Duration.ofSeconds(30),
                () -> athena.admin("queue:show", id).ok().out(),
                o -> o.contains("no delivery agent for transport gateway:scripted"));
        Files.move(aside, jar, StandardCopyOption.ATOMIC_MOVE);
        Await.until("the message in the gateway's outbox once it is back", Duration.ofSeconds(30),
                () -> emlFiles(outbox), n -> n == 1);
        athena.awaitQueueEmpty(Duration.ofSeconds(10));
    }

    @Test
    void mailForATransportWithoutAgentIsTriedAsSoonAsTheAgentReturns() throws Exception {
        Instance athena = instances.create("athena");
        athena.config("org.postrider.core.queue", Map.of("retrySchedule", "1h", "agentWait", "1h"));
        // DNS that answers nothing at once: the smtp agent's attempt ends in a deferral of its own.
        athena.config("org.postrider.dns", Map.of("servers", "127.0.0.1:9", "timeoutMillis", "500"));
        athena.start();
        Path jar = athena.home().resolve("deploy/postrider-smtp.jar");
        Path aside = athena.home().resolve("smtp-aside.jar");
        Files.move(jar, aside, StandardCopyOption.ATOMIC_MOVE);
        Await.until("the smtp bundle gone", Duration.ofSeconds(30),
                () -> athena.admin("postrider:contracts").ok().out(), o -> !o.contains("org.postrider.smtp "));

        String id = submit(athena, "carol@example.net");
        String waiting = Await.until("the message waiting for the smtp agent", Duration.ofSeconds(30),
                () -> athena.admin("queue:show", id).ok().out(),
                o -> o.contains("no delivery agent for transport smtp"));
        int attemptsBefore = attempts(waiting);
        Files.move(aside, jar, StandardCopyOption.ATOMIC_MOVE);
        String after = Await.until("an attempt through the smtp agent once it is back", Duration.ofSeconds(30),
                () -> athena.admin("queue:show", id).ok().out(),
                o -> attempts(o) > attemptsBefore && !o.contains("no delivery agent"));
        assertTrue(attempts(after) > attemptsBefore, after);
    }

    private static String submit(Instance athena, String rcpt) throws Exception {
        Path msg = athena.home().resolve("m-" + rcpt.replace('@', '_') + ".eml");
        Files.writeString(msg, "From: alice@example.org\r\nTo: " + rcpt + "\r\nSubject: waits for a service\r\n"
                + "Message-ID: <wait-" + rcpt.replace('@', '.') + "@example.org>\r\n\r\nbody\r\n");
        return athena.submit(msg, "alice@example.org", rcpt);
    }

    private static int attempts(String show) {
        Matcher m = Pattern.compile("(?m)^attempts:\\s+(\\d+)").matcher(show);
        assertTrue(m.find(), show);
        return Integer.parseInt(m.group(1));
    }

    private static long emlFiles(Path outbox) throws Exception {
        if (!Files.isDirectory(outbox)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(outbox)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".eml")).count();
        }
    }
}
