package org.postrider.lineserver.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.Domain;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.AuthResult;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.Resolution;
import org.postrider.api.directory.ScramCredentials;
import org.postrider.api.directory.User;

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
            challenges.add(new String(Base64.getDecoder().decode(challenge), StandardCharsets.UTF_8));
            return answers.poll();
        }
    }

    /** One user, "user" with password "pencil"; records the logins it was asked about. */
    static class OneUser implements Directory {
        final List<String> asked = new ArrayList<>();

        @Override
        public boolean isLocalDomain(Domain domain) {
            return false;
        }

        @Override
        public Resolution resolve(MailAddress address) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<User> user(String id) {
            return Optional.empty();
        }

        @Override
        public AuthResult authenticate(String login, char[] password) {
            asked.add(login);
            return login.equals("user") && new String(password).equals("pencil")
                    ? new AuthResult.Success(ScramServerTest.USER) : new AuthResult.Failure();
        }
    }

    /** The same, with SCRAM keys. */
    static final class OneScramUser extends OneUser {
        @Override
        public ScramCredentials scramSha256(String login) {
            try {
                return ScramServerTest.pencil(login.equals("user") ? ScramServerTest.USER : null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void plainWithAnInitialResponseOrAfterAnEmptyChallenge() throws Exception {
        OneUser d = new OneUser();
        SaslExchange.Outcome o = SaslExchange.authenticate("plain", b64("\0user\0pencil"), new Client(), d);
        assertTrue(o.succeeded());
        Client client = new Client(b64("\0user\0wrong"));
        SaslExchange.Outcome p = SaslExchange.authenticate("PLAIN", null, client, d);
        assertEquals(List.of(""), client.challenges);
        assertInstanceOf(AuthResult.Failure.class, p.result());
        assertEquals("user", p.login());
    }

    @Test
    void loginAsksForUserThenPassword() throws Exception {
        Client client = new Client(b64("user"), b64("pencil"));
        SaslExchange.Outcome o = SaslExchange.authenticate("LOGIN", null, client, new OneUser());
        assertEquals(List.of("Username:", "Password:"), client.challenges);
        assertTrue(o.succeeded());
    }

    @Test
    void aForeignAuthzidFailsLikeAWrongPasswordWithoutAskingTheDirectory() throws Exception {
        OneUser d = new OneUser();
        SaslExchange.Outcome o = SaslExchange.authenticate("PLAIN", b64("admin\0user\0pencil"), new Client(), d);
        assertInstanceOf(AuthResult.Failure.class, o.result(), "impersonation");
        assertEquals(List.of(), d.asked);
        assertTrue(SaslExchange.authenticate("PLAIN", b64("user\0user\0pencil"), new Client(), d).succeeded());
    }

    @Test
    void cancelMalformedAndUnknownMechanisms() throws Exception {
        OneUser d = new OneUser();
        assertThrows(SaslExchange.Cancelled.class, () -> SaslExchange.authenticate("PLAIN", null, new Client("*"), d));
        assertThrows(SaslExchange.Cancelled.class,
                () -> SaslExchange.authenticate("LOGIN", b64("u"), new Client("*"), d));
        assertThrows(SaslDecoder.InvalidResponse.class,
                () -> SaslExchange.authenticate("PLAIN", b64("no nuls"), new Client(), d));
        assertNull(SaslExchange.authenticate("CRAM-MD5", null, new Client(), d));
        assertThrows(java.io.IOException.class, () -> SaslExchange.authenticate("PLAIN", null, new Client(), d),
                "client left");
    }

    @Test
    void scramIsOfferedAndRunOnlyWhereTheDirectoryHasKeys() throws Exception {
        assertEquals(List.of("PLAIN", "LOGIN"), SaslExchange.mechanisms(new OneUser()));
        assertNull(SaslExchange.authenticate("SCRAM-SHA-256", b64("n,,n=user,r=abc"), new Client(), new OneUser()));
        assertEquals(List.of("SCRAM-SHA-256", "PLAIN", "LOGIN"), SaslExchange.mechanisms(new OneScramUser()));
    }

    @Test
    void scramRunsToTheServerSignatureAndTheClientsEmptyAnswer() throws Exception {
        String clientFirstBare = "n=user,r=abc";
        List<String> challenges = new ArrayList<>();
        SaslExchange.Challenger client = new SaslExchange.Challenger() {
            int step;

            @Override
            public String ask(String challenge) {
                String c = new String(Base64.getDecoder().decode(challenge), StandardCharsets.UTF_8);
                challenges.add(c);
                try {
                    if (step++ == 0) {
                        String withoutProof = "c=biws," + c.substring(0, c.indexOf(','));
                        return b64(withoutProof + ",p="
                                + ScramServerTest.proof("pencil", clientFirstBare + "," + c + "," + withoutProof));
                    }
                    return "";
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        SaslExchange.Outcome o = SaslExchange.authenticate("scram-sha-256", b64("n,," + clientFirstBare), client,
                new OneScramUser());
        assertTrue(o.succeeded(), o.toString());
        assertEquals(2, challenges.size());
        assertTrue(challenges.get(0).startsWith("r=abc") && challenges.get(0).endsWith(",i=4096"));
        assertTrue(challenges.get(1).startsWith("v="));
    }

    @Test
    void scramWithAWrongPasswordFailsWithoutSendingASignature() throws Exception {
        Client client = new Client(b64("c=biws,r=abcXX,p=AAAA"));
        // the nonce cannot match the server's random one: refused as malformed
        assertThrows(SaslDecoder.InvalidResponse.class, () -> SaslExchange.authenticate("SCRAM-SHA-256",
                b64("n,,n=user,r=abc"), client, new OneScramUser()));
        assertEquals(1, client.challenges.size());
    }

    @Test
    void thePasswordIsCheckedThroughTheSessionsGateAndABusyGateIsPassedOn() throws Exception {
        OneUser d = new OneUser();
        List<String> gated = new ArrayList<>();
        SaslExchange.Outcome o = SaslExchange.authenticate("PLAIN", b64("\0user\0pencil"), new Client(), d,
                check -> {
                    gated.add("before " + d.asked);
                    AuthResult r = check.get();
                    gated.add("after " + d.asked);
                    return r;
                });
        assertTrue(o.succeeded());
        assertEquals(List.of("before []", "after [user]"), gated, "the directory's hash runs inside the gate");
        org.postrider.lineserver.PasswordChecks none = new org.postrider.lineserver.PasswordChecks(1,
                java.time.Duration.ZERO);
        none.run(() -> assertThrows(org.postrider.lineserver.PasswordChecks.Busy.class,
                () -> SaslExchange.authenticate("LOGIN", b64("user"), new Client(b64("pencil")), d, none::run)));
        assertEquals(List.of("user"), d.asked, "no hash computed without a slot");
    }

    /** A SCRAM client that answers the server-first message with a proof of {@code password}. */
    private static SaslExchange.Challenger scramClient(String clientFirstBare, String password,
            List<String> challenges) {
        return new SaslExchange.Challenger() {
            int step;

            @Override
            public String ask(String challenge) {
                String c = new String(Base64.getDecoder().decode(challenge), StandardCharsets.UTF_8);
                challenges.add(c);
                try {
                    if (step++ == 0) {
                        String withoutProof = "c=biws," + c.substring(0, c.indexOf(','));
                        return b64(withoutProof + ",p="
                                + ScramServerTest.proof(password, clientFirstBare + "," + c + "," + withoutProof));
                    }
                    return "";
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    @Test
    void theScramProofIsCheckedThroughTheSessionsGateAndABusyGateIsPassedOn() throws Exception {
        List<String> challenges = new ArrayList<>();
        List<String> gated = new ArrayList<>();
        SaslExchange.Outcome o = SaslExchange.authenticate("SCRAM-SHA-256", b64("n,,n=user,r=abc"),
                scramClient("n=user,r=abc", "pencil", challenges), new OneScramUser(), check -> {
                    gated.add("before, " + challenges.size() + " challenge(s)");
                    AuthResult r = check.get();
                    gated.add("after: " + (r instanceof AuthResult.Success ? "success" : String.valueOf(r)));
                    return r;
                });
        assertTrue(o.succeeded(), o.toString());
        assertEquals(List.of("before, 1 challenge(s)", "after: success"), gated,
                "the proof is checked inside the gate, after the address's turn");

        List<String> refused = new ArrayList<>();
        org.postrider.lineserver.PasswordChecks none = new org.postrider.lineserver.PasswordChecks(1,
                java.time.Duration.ZERO);
        none.run(() -> assertThrows(org.postrider.lineserver.PasswordChecks.Busy.class,
                () -> SaslExchange.authenticate("SCRAM-SHA-256", b64("n,,n=user,r=abc"),
                        scramClient("n=user,r=abc", "pencil", refused), new OneScramUser(), none::run)));
        assertEquals(1, refused.size(), "no server signature without a turn: " + refused);
    }
}
