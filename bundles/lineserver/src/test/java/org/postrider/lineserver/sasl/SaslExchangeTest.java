package org.postrider.lineserver.sasl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class SaslExchangeTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A scripted client: answers in order, records the challenges it was sent. */
    static final class Client implements SaslExchange.Challenger {
        final Deque<String> answers;
        final List<String> challenges = new ArrayList<>();

        Client(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public String ask(String challenge) {
            challenges.add(new String(Base64.getDecoder().decode(challenge), StandardCharsets.US_ASCII));
            return answers.poll();
        }
    }

    @Test
    void plainWithAnInitialResponseOrAfterAnEmptyChallenge() throws Exception {
        Credentials c = SaslExchange.run("plain", b64("\0alice@example.org\0pw"), new Client());
        assertEquals("alice@example.org", c.login());
        Client client = new Client(b64("\0bob@example.org\0pw2"));
        Credentials d = SaslExchange.run("PLAIN", null, client);
        assertEquals(List.of(""), client.challenges);
        assertArrayEquals("pw2".toCharArray(), d.password());
    }

    @Test
    void loginAsksForUserThenPassword() throws Exception {
        Client client = new Client(b64("carol@example.org"), b64("secret"));
        Credentials c = SaslExchange.run("LOGIN", null, client);
        assertEquals(List.of("Username:", "Password:"), client.challenges);
        assertEquals("carol@example.org", c.login());
    }

    @Test
    void cancelAuthzidAndUnknownMechanisms() throws Exception {
        assertThrows(SaslExchange.Cancelled.class, () -> SaslExchange.run("PLAIN", null, new Client("*")));
        assertThrows(SaslExchange.Cancelled.class, () -> SaslExchange.run("LOGIN", b64("u"), new Client("*")));
        assertThrows(SaslDecoder.InvalidResponse.class,
                () -> SaslExchange.run("PLAIN", b64("admin\0alice\0pw"), new Client()), "impersonation");
        assertEquals("alice", SaslExchange.run("PLAIN", b64("alice\0alice\0pw"), new Client()).login());
        assertNull(SaslExchange.run("CRAM-MD5", null, new Client()));
        assertThrows(java.io.IOException.class, () -> SaslExchange.run("PLAIN", null, new Client()), "client left");
    }
}
