package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.message.BodyType;
import org.postrider.api.message.DsnNotify;
import org.postrider.api.message.Envelope;
import org.postrider.api.message.MessageContent;
import org.postrider.api.message.Origin;
import org.postrider.api.message.Recipient;
import org.postrider.api.queue.DeliveryAgent;
import org.postrider.api.queue.RecipientResult;
import org.postrider.api.queue.QueueId;

/** One attempt: routing, grouping, results, member failures, forwarding traces, slots per transport. */
class DeliveryAttemptTest {
    private final AgentRegistry agents = new AgentRegistry();
    private final Map<String, Routing> routes = new ConcurrentHashMap<>();
    private final Map<QueueId, byte[]> contents = new ConcurrentHashMap<>();
    /** The typed sets "in the spool headers": the queue keeps none in memory. */
    private final Map<QueueId, org.postrider.api.message.TypedProperties> spooledSets = new ConcurrentHashMap<>();
    private final DeliveryAttempt attempt = new DeliveryAttempt(a -> routes.getOrDefault(a.toString(),
            Routing.fail("5.1.1", "unknown")), agents, m -> content(contents.get(m.id)), m -> spooledSets.get(m.id),
            new QueueCounters(),
            () -> this.transportSlots, () -> 1);
    private volatile int transportSlots = 1;
    private final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());

    /** What the attempts gave their recorder: the message id and the addresses done by then. */
    private final List<String> recorded = java.util.Collections.synchronizedList(new ArrayList<>());

    /** One attempt whose caller records at once and gives its last slot back, as the queue does. */
    private DeliveryAttempt.Outcome run(QueuedMessage m) throws Exception {
        DeliveryAttempt.Outcome o = attempt.run(m, this::record);
        o.release();
        return o;
    }

    private void record(QueuedMessage m) {
        recorded.add(m.id.value() + " " + m.state.rcpts.stream().flatMap(r -> r.done.stream()).sorted().toList());
    }

    private static MailAddress a(String s) throws Exception {
        return MailAddress.parse(s);
    }

    private static MessageContent content(byte[] b) {
        return MessageContent.of(b);
    }

    private QueuedMessage message(String id, String rcpt, Set<DsnNotify> notify, String text) throws Exception {
        Envelope e = new Envelope(a("alice@example.org"), List.of(new Recipient(a(rcpt), notify, null)),
                BodyType.EIGHT_BIT_MIME, false, -1, null, null, new Origin("ESMTP", null, null, null, Instant.now()));
        QueuedMessage m = new QueuedMessage(new QueueId(id), e, 0, MessageState.fresh(1));
        contents.put(m.id, text.getBytes(StandardCharsets.UTF_8));
        return m;
    }

    /** An agent that records what it got and answers per address: "fail" in the local part fails. */
    private DeliveryAgent agent(String name) {
        return d -> {
            String text;
            try (InputStream in = d.content().open()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<RecipientResult> out = new ArrayList<>();
            for (Recipient r : d.envelope().recipients()) {
                seen.add(name + " " + r.address() + " " + text.lines().findFirst().orElse(""));
                out.add(r.address().localPart().contains("fail") ? RecipientResult.failed(r, "5.1.2", "no such system")
                        : RecipientResult.delivered(r, "ok"));
            }
            return out;
        };
    }

    private void list(String list, String... members) throws Exception {
        List<Route> rs = new ArrayList<>();
        for (String mbr : members) {
            rs.add(mbr.endsWith("@example.org") ? new Route(a(mbr), "local", mbr) : new Route(a(mbr), "smtp",
                    a(mbr).domain().ascii()));
        }
        routes.put(list, Routing.of(rs));
    }

    @Test
    void aFailingMemberIsRecordedForTheSenderAndTheOthersStillGetIt() throws Exception {
        agents.add("local", new AgentRegistry.Ref(agent("local"), 0, 1));
        agents.add("smtp", new AgentRegistry.Ref(agent("smtp"), 0, 2));
        list("staff@example.org", "bob@example.org", "fail@remote.example");
        QueuedMessage m = message("M1", "staff@example.org", Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE),
                "Subject: x\r\n\r\nbody\r\n");
        assertNull(run(m).waitingFor());
        MessageState.Rcpt r = m.state.rcpts.get(0);
        assertEquals(MessageState.Status.DELIVERED, r.status);
        assertEquals(List.of(new MessageState.MemberFailure("fail@remote.example", "5.1.2", "no such system", null)),
                r.memberFailures);
        assertEquals("expanded", r.success, "one member has it");
        List<DsnBuilder.Line> lines = Notices.failures(m);
        assertEquals(1, lines.size());
        assertEquals(a("fail@remote.example"), lines.get(0).recipient().address());
        assertEquals("rfc822;staff@example.org", lines.get(0).recipient().originalRecipient());
    }

    @Test
    void whenEveryMemberFailsNothingClaimsItWasExpanded() throws Exception {
        agents.add("smtp", new AgentRegistry.Ref(agent("smtp"), 0, 2));
        list("staff@example.org", "fail1@remote.example", "fail2@remote.example");
        QueuedMessage m = message("M2", "staff@example.org", Set.of(DsnNotify.SUCCESS), "Subject: x\r\n\r\nb\r\n");
        run(m);
        assertNull(m.state.rcpts.get(0).success);
        assertEquals(2, m.state.rcpts.get(0).memberFailures.size());
    }

    @Test
    void aMemberForwardedElsewhereCarriesDeliveredToAndALoopIsCaughtAtOnce() throws Exception {
        agents.add("smtp", new AgentRegistry.Ref(agent("smtp"), 0, 2));
        list("fwd@example.org", "away@remote.example");
        QueuedMessage m = message("M3", "fwd@example.org", Set.of(), "Subject: x\r\n\r\nbody\r\n");
        run(m);
        assertEquals(List.of("smtp away@remote.example Delivered-To: fwd@example.org"), seen);
        QueuedMessage back = message("M4", "fwd@example.org", Set.of(),
                "Delivered-To: fwd@example.org\r\nSubject: x\r\n\r\nbody\r\n");
        run(back);
        assertEquals(1, seen.size(), "the looping copy is not sent again");
        assertEquals("5.4.6", back.state.rcpts.get(0).memberFailures.get(0).code());
    }

    @Test
    void aMissingAgentIsWhatTheMessageWaitsFor() throws Exception {
        routes.put("bob@remote.example", Routing.of(List.of(new Route(a("bob@remote.example"), "smtp", "remote.example"))));
        QueuedMessage m = message("M5", "bob@remote.example", Set.of(), "Subject: x\r\n\r\nb\r\n");
        assertEquals("smtp", run(m).waitingFor());
        assertEquals(MessageState.Status.PENDING, m.state.rcpts.get(0).status);
        routes.clear();
        assertEquals(MessageState.Status.PENDING, message("M6", "x@example.org", Set.of(), "").state.rcpts.get(0).status);
    }

    @Test
    void localDeliveryNeverWaitsBehindBusyRemoteSlots() throws Exception {
        CountDownLatch remoteIn = new CountDownLatch(1);
        CountDownLatch releaseRemote = new CountDownLatch(1);
        agents.add("smtp", new AgentRegistry.Ref(d -> {
            remoteIn.countDown();
            releaseRemote.await(20, TimeUnit.SECONDS);
            return List.of(RecipientResult.retry(d.envelope().recipients().get(0), "4.4.1", "slow"));
        }, 0, 1));
        agents.add("local", new AgentRegistry.Ref(agent("local"), 0, 2));
        routes.put("bob@remote.example", Routing.of(List.of(new Route(a("bob@remote.example"), "smtp", "remote.example"))));
        routes.put("carol@example.org", Routing.of(List.of(new Route(a("carol@example.org"), "local", "carol"))));
        QueuedMessage slow = message("M7", "bob@remote.example", Set.of(), "S: x\r\n\r\n");
        Thread remote = Thread.ofVirtual().start(() -> {
            try {
                run(slow);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(remoteIn.await(10, TimeUnit.SECONDS));
        QueuedMessage local = message("M8", "carol@example.org", Set.of(), "S: x\r\n\r\n");
        run(local); // with one slot in all, this would wait for the remote hop
        assertEquals(MessageState.Status.DELIVERED, local.state.rcpts.get(0).status);
        assertFalse(slow.state.rcpts.get(0).status == MessageState.Status.DELIVERED);
        releaseRemote.countDown();
        remote.join(10_000);
    }

    @Test
    void aGatewayThatAnswersRetryIsPassedOverForTheNextCheapestAndAnAbsentOneToo() throws Exception {
        List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean cheapDown = new java.util.concurrent.atomic.AtomicBoolean(true);
        DeliveryAgent cheap = d -> {
            asked.add("cheap");
            return d.envelope().recipients().stream().map(r -> cheapDown.get()
                    ? RecipientResult.retry(r, "4.4.1", "foreign system down") : RecipientResult.delivered(r, "ok"))
                    .toList();
        };
        DeliveryAgent dear = d -> {
            asked.add("dear");
            return d.envelope().recipients().stream().map(r -> RecipientResult.delivered(r, "ok")).toList();
        };
        agents.add("gateway:cheap", new AgentRegistry.Ref(cheap, 0, 10));
        agents.add("gateway:dear", new AgentRegistry.Ref(dear, 0, 11));
        for (String rcpt : List.of("x1@legacy.example", "x2@legacy.example", "x3@legacy.example")) {
            routes.put(rcpt, Routing.of(List.of(new Route(a(rcpt), "gateway:cheap", "cheap",
                    List.of(new Route(a(rcpt), "gateway:dear", "dear"))))));
        }
        QueuedMessage first = message("G1", "x1@legacy.example", Set.of(), "Subject: g\r\n\r\nb\r\n");
        run(first);
        assertEquals(MessageState.Status.PENDING, first.state.rcpts.get(0).status, "the cheapest said retry");
        QueuedMessage second = message("G2", "x2@legacy.example", Set.of(), "Subject: g\r\n\r\nb\r\n");
        run(second);
        assertEquals(MessageState.Status.DELIVERED, second.state.rcpts.get(0).status);
        run(first);
        assertEquals(MessageState.Status.DELIVERED, first.state.rcpts.get(0).status, "its retry went the other way");
        assertEquals(List.of("cheap", "dear", "dear"), asked);

        agents.remove(dear);
        cheapDown.set(false);
        QueuedMessage third = message("G3", "x3@legacy.example", Set.of(), "Subject: g\r\n\r\nb\r\n");
        run(third);
        assertEquals(MessageState.Status.DELIVERED, third.state.rcpts.get(0).status,
                "with the alternative gone, the failing one is still tried rather than nothing");
        assertEquals("cheap", asked.get(asked.size() - 1));
    }

    @Test
    void aGatewayBoundUnderBothInterfacesIsOneAgent() {
        DeliveryAgent g = d -> List.of();
        assertTrue(agents.add("gateway:x", new AgentRegistry.Ref(g, 0, 42)));
        assertFalse(agents.add("gateway:x", new AgentRegistry.Ref(g, 0, 42)), "the second binding of that service");
        agents.remove(g);
        assertNull(agents.agent("gateway:x"));
    }

    @Test
    void onlyTheInternalTransportGetsTheTypedSetWithItsBccRows() throws Exception {
        Map<String, Boolean> gotSet = new ConcurrentHashMap<>();
        for (String t : List.of("internal", "smtp", "local", "gateway:x400")) {
            agents.add(t, new AgentRegistry.Ref(d -> {
                gotSet.put(t, d.envelope().properties() != null);
                return d.envelope().recipients().stream().map(r -> RecipientResult.delivered(r, "ok")).toList();
            }, 0, 1));
        }
        routes.put("all@example.org", Routing.of(List.of(
                new Route(a("bob@example.org"), "internal", "hermes"),
                new Route(a("carol@remote.example"), "smtp", "remote.example"),
                new Route(a("dave@example.org"), "local", "dave@example.org"),
                new Route(a("erin@x400.example"), "gateway:x400", "x400"))));
        QueuedMessage plain = message("T1", "all@example.org", Set.of(), "Subject: x\r\n\r\nb\r\n");
        org.postrider.api.message.TypedProperties set = org.postrider.api.message.TypedProperties.of(new byte[] {1, 2, 3});
        QueuedMessage m = new QueuedMessage(plain.id, plain.envelope.withProperties(set), 0, MessageState.fresh(1));
        assertNull(m.envelope.properties(), "the queued message keeps no typed set in memory");
        assertEquals(3, m.propertiesSize);
        spooledSets.put(m.id, set);
        run(m);
        assertEquals(Map.of("internal", true, "smtp", false, "local", false, "gateway:x400", false), gotSet);
    }

    @Test
    void aDestinationSlotTakesNoOtherMessageUntilTheAnswerItGotIsRecorded() throws Exception {
        List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
        agents.add("smtp", new AgentRegistry.Ref(d -> {
            order.add("deliver " + d.queueId().value());
            return d.envelope().recipients().stream().map(r -> RecipientResult.delivered(r, "250 ok")).toList();
        }, 0, 1));
        routes.put("bob@remote.example", Routing.of(List.of(new Route(a("bob@remote.example"), "smtp", "remote.example"))));
        QueuedMessage first = message("H1", "bob@remote.example", Set.of(), "S: x\r\n\r\n");
        QueuedMessage second = message("H2", "bob@remote.example", Set.of(), "S: x\r\n\r\n");
        String key = new Route(a("bob@remote.example"), "smtp", "remote.example").key();
        DeliveryAttempt.Outcome o = attempt.run(first, this::record);
        assertEquals(1, attempt.inUse(key), "the attempt that got the answer still holds the slot");
        Thread next = Thread.ofVirtual().start(() -> {
            try {
                run(second);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        next.join(300);
        assertTrue(next.isAlive(), "the second message waits for the destination's one slot");
        assertEquals(List.of("deliver H1"), order);
        order.add("recorded H1");
        o.release();
        next.join(10_000);
        assertFalse(next.isAlive());
        assertEquals(List.of("deliver H1", "recorded H1", "deliver H2"), order);
        assertEquals(0, attempt.inUse(key));
    }

    @Test
    void aSlotWhoseAgentFailedOrAnsweredNothingToRecordIsFreeAtOnce() throws Exception {
        List<String> answers = new ArrayList<>(List.of("null", "overflow", "retry", "failed", "deliver"));
        agents.add("smtp", new AgentRegistry.Ref(d -> switch (answers.remove(0)) {
            case "null" -> null;
            case "overflow" -> throw new StackOverflowError("an agent's bug");
            case "retry" -> List.of(RecipientResult.retry(d.envelope().recipients().get(0), "4.4.1", "later"));
            case "failed" -> List.of(RecipientResult.failed(d.envelope().recipients().get(0), "5.1.1", "no"));
            default -> List.of(RecipientResult.delivered(d.envelope().recipients().get(0), "250 ok"));
        }, 0, 1));
        routes.put("bob@remote.example", Routing.of(List.of(new Route(a("bob@remote.example"), "smtp", "remote.example"))));
        String key = new Route(a("bob@remote.example"), "smtp", "remote.example").key();
        for (String answer : List.of("null", "overflow", "retry", "failed")) {
            QueuedMessage m = message("F" + answer, "bob@remote.example", Set.of(), "S: x\r\n\r\n");
            try {
                DeliveryAttempt.Outcome o = attempt.run(m, this::record);
                assertNull(o.held(), answer + ": nothing accepted, nothing to hold");
            } catch (StackOverflowError expected) {
                assertEquals("overflow", answer);
            }
            assertEquals(0, attempt.inUse(key), answer + " left the destination's only slot taken");
        }
        QueuedMessage last = message("Flast", "bob@remote.example", Set.of(), "S: x\r\n\r\n");
        run(last); // with the slot lost, this would wait forever
        assertEquals(MessageState.Status.DELIVERED, last.state.rcpts.get(0).status);
    }

    @Test
    void betweenDestinationsTheAnswersSoFarAreRecordedAndTheFirstSlotIsFreeWhileTheNextDelivers() throws Exception {
        List<String> atDelivery = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch secondIn = new CountDownLatch(1);
        CountDownLatch secondGo = new CountDownLatch(1);
        agents.add("smtp", new AgentRegistry.Ref(d -> {
            String to = d.envelope().recipients().get(0).address().toString();
            atDelivery.add(to + " after " + recorded);
            if (to.endsWith("@two.example")) {
                secondIn.countDown();
                secondGo.await(20, TimeUnit.SECONDS);
            }
            return d.envelope().recipients().stream().map(r -> RecipientResult.delivered(r, "250 ok")).toList();
        }, 0, 1));
        transportSlots = 4;
        routes.put("bob@one.example", Routing.of(List.of(new Route(a("bob@one.example"), "smtp", "one.example"))));
        routes.put("eve@two.example", Routing.of(List.of(new Route(a("eve@two.example"), "smtp", "two.example"))));
        Envelope e = new Envelope(a("alice@example.org"), List.of(new Recipient(a("bob@one.example"), Set.of(), null),
                new Recipient(a("eve@two.example"), Set.of(), null)), BodyType.EIGHT_BIT_MIME, false, -1, null, null,
                new Origin("ESMTP", null, null, null, Instant.now()));
        QueuedMessage both = new QueuedMessage(new QueueId("B1"), e, 0, MessageState.fresh(2));
        contents.put(both.id, "S: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                run(both);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        assertTrue(secondIn.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("bob@one.example after []", "eve@two.example after [B1 [bob@one.example]]"), atDelivery,
                "the first destination's answer was on disk before the second was tried");
        // one.example's slot is free while two.example delivers: another message for it does not wait
        QueuedMessage other = message("B2", "bob@one.example", Set.of(), "S: x\r\n\r\n");
        Thread o = Thread.ofVirtual().start(() -> {
            try {
                run(other);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        o.join(10_000);
        assertEquals(MessageState.Status.DELIVERED, other.state.rcpts.get(0).status);
        secondGo.countDown();
        t.join(10_000);
        assertEquals(List.of(MessageState.Status.DELIVERED, MessageState.Status.DELIVERED),
                both.state.rcpts.stream().map(r -> r.status).toList());
    }
}
