package org.postrider.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postrider.api.address.MailAddress;
import org.postrider.api.directory.Directory;
import org.postrider.api.directory.Resolution;
import org.postrider.api.directory.User;
import org.postrider.api.gateway.AddressSpace;
import org.postrider.api.gateway.Gateway;
import org.postrider.api.org.OrgServer;
import org.postrider.api.org.Organisation;
import org.postrider.api.queue.Delivery;
import org.postrider.api.queue.RecipientResult;

/** Where the router sends an address: home servers, the Internet gateway server, gateways with fallback, custom recipients. */
class RecipientRouterTest {
    private final Map<String, Resolution> entries = new java.util.HashMap<>();
    private final Directory directory = new Directory() {
        @Override
        public boolean isLocalDomain(org.postrider.api.address.Domain d) {
            return d.ascii().equals("example.org");
        }

        @Override
        public Resolution resolve(MailAddress a) {
            return entries.getOrDefault(a.toString(), a.domain().ascii().equals("example.org")
                    ? new Resolution.Unknown() : new Resolution.NotLocal());
        }

        @Override
        public Optional<User> user(String id) {
            return Optional.empty();
        }

        @Override
        public org.postrider.api.directory.AuthResult authenticate(String login, char[] password) {
            throw new UnsupportedOperationException();
        }
    };

    private static Organisation org(String self, String gateway, String... servers) {
        List<OrgServer> list = java.util.Arrays.stream(servers).map(n -> new OrgServer(n, "127.0.0.1", 2700, null))
                .toList();
        return new Organisation() {
            @Override
            public String self() {
                return self;
            }

            @Override
            public List<OrgServer> servers() {
                return list;
            }

            @Override
            public Optional<String> internetGateway() {
                return Optional.ofNullable(gateway);
            }
        };
    }

    private static Gateway gateway(String id, AddressSpace... spaces) {
        return new Gateway() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public List<AddressSpace> addressSpaces() {
                return List.of(spaces);
            }

            @Override
            public List<RecipientResult> deliver(Delivery d) {
                return List.of();
            }
        };
    }

    private static MailAddress a(String s) throws Exception {
        return MailAddress.parse(s);
    }

    private static String where(Routing r) {
        return String.join(", ", r.routes().stream().map(x -> x.transport() + " " + x.destination()
                + (x.alternatives().isEmpty() ? "" : " then " + x.alternatives().get(0).transport())).toList());
    }

    @Test
    void usersGoHomeAndInternetMailGoesToTheGatewayServerOnlyWhenItIsKnown() throws Exception {
        entries.put("ann@example.org", new Resolution.Mailbox(new User("ann@example.org", "Ann", "athena", 0, 0)));
        entries.put("bob@example.org", new Resolution.Mailbox(new User("bob@example.org", "Bob", "zeus", 0, 0)));
        RecipientRouter athena = new RecipientRouter("athena", directory, org("athena", "hermes", "athena", "hermes"));
        assertEquals("local ann@example.org", where(athena.route(a("ann@example.org"))));
        assertEquals("internal zeus", where(athena.route(a("bob@example.org"))));
        assertEquals("internal hermes", where(athena.route(a("mark@example.net"))));
        RecipientRouter misconfigured = new RecipientRouter("athena", directory, org("athena", "hermes", "athena"));
        assertEquals("smtp example.net", where(misconfigured.route(a("mark@example.net"))),
                "a gateway server the registry does not know is not routed to");
        RecipientRouter hermes = new RecipientRouter("hermes", directory, org("hermes", null, "athena", "hermes"));
        assertEquals("smtp example.net", where(hermes.route(a("mark@example.net"))));
    }

    @Test
    void theCheapestGatewayWinsTheOthersAreFallbacksAndAGatewayThatLeftStillHoldsItsMail() throws Exception {
        RecipientRouter r = new RecipientRouter("athena", directory, org("athena", "hermes", "athena", "hermes"));
        Gateway cheap = gateway("cheap", new AddressSpace("SMTP", "*@legacy.example", 1));
        Gateway dear = gateway("dear", new AddressSpace("smtp", "*@*.example", 50));
        r.addGateway(dear);
        r.addGateway(cheap);
        assertEquals("gateway:cheap cheap then gateway:dear", where(r.route(a("x@legacy.example"))));
        assertEquals("gateway:dear dear", where(r.route(a("x@other.example"))));
        r.removeGateway(cheap); // its bundle is being updated
        assertEquals("gateway:cheap cheap then gateway:dear", where(r.route(a("x@legacy.example"))),
                "a gateway that left moments ago still routes to itself: the mail waits, never leaks elsewhere");
        r.removeGateway(dear);
        assertEquals("gateway:cheap cheap then gateway:dear", where(r.route(a("x@legacy.example"))));
        assertEquals("internal hermes", where(r.route(a("x@elsewhere.net"))));
    }

    @Test
    void noRoutingWhileAGatewayIsSwappedEverFindsItGone() throws Exception {
        RecipientRouter r = new RecipientRouter("athena", directory, null);
        Gateway old = gateway("scripted", new AddressSpace("SMTP", "*@scripted.test", 1));
        r.addGateway(old);
        java.util.concurrent.atomic.AtomicBoolean swapping = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ConcurrentLinkedQueue<String> elsewhere = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread router = Thread.ofPlatform().start(() -> {
            try {
                while (swapping.get()) {
                    String w = where(r.route(a("gw@scripted.test")));
                    if (!w.startsWith("gateway:scripted")) {
                        elsewhere.add(w);
                    }
                }
            } catch (Exception e) {
                elsewhere.add(e.toString());
            }
        });
        Gateway current = old;
        for (int i = 0; i < 20_000 && elsewhere.isEmpty(); i++) {
            Gateway next = gateway("scripted", new AddressSpace("SMTP", "*@scripted.test", 1));
            r.removeGateway(current); // an update: the old revision leaves, the new one comes
            r.addGateway(next);
            current = next;
        }
        swapping.set(false);
        router.join(10_000);
        assertEquals(List.of(), List.copyOf(elsewhere), "mail for a gateway being updated waits for it");
    }

    /** A gateway whose spaces, once armed, are answered only when the test lets them: then as given, or by throwing. */
    private static final class HeldGateway implements Gateway {
        final java.util.concurrent.CountDownLatch asked = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        final List<AddressSpace> spaces;
        volatile boolean armed;
        volatile boolean fail;

        HeldGateway(AddressSpace... spaces) {
            this.spaces = List.of(spaces);
        }

        @Override
        public String id() {
            return "held";
        }

        @Override
        public List<AddressSpace> addressSpaces() {
            if (armed) {
                asked.countDown();
                try {
                    answer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (fail) {
                    throw new IllegalStateException("stopped");
                }
            }
            return spaces;
        }

        @Override
        public List<RecipientResult> deliver(Delivery d) {
            return List.of();
        }
    }

    @Test
    void aGatewayRemovedWhileItIsAskedAndThenFailingStillHoldsItsMail() throws Exception {
        RecipientRouter r = new RecipientRouter("athena", directory, null);
        HeldGateway g = new HeldGateway(new AddressSpace("SMTP", "*@held.test", 1));
        r.addGateway(g);
        g.armed = true;
        g.fail = true; // its bundle stops: asked once more, it throws
        var routed = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return where(r.route(a("x@held.test")));
            } catch (Exception e) {
                return e.toString();
            }
        });
        assertTrue(g.asked.await(10, java.util.concurrent.TimeUnit.SECONDS));
        r.removeGateway(g); // while the routing waits for its answer
        g.answer.countDown();
        assertEquals("gateway:held held", routed.get(10, java.util.concurrent.TimeUnit.SECONDS),
                "the spaces read before it was asked still route to it");
    }

    @Test
    void aGatewayRemovedWhileItIsAskedIsNotRememberedAfterIt() throws Exception {
        RecipientRouter r = new RecipientRouter("athena", directory, null);
        HeldGateway g = new HeldGateway(); // no spaces: nothing to hold for it once it leaves
        r.addGateway(g);
        assertTrue(r.knownGateway("held"));
        g.armed = true;
        var routed = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                r.route(a("x@elsewhere.test"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(g.asked.await(10, java.util.concurrent.TimeUnit.SECONDS));
        r.removeGateway(g);
        g.answer.countDown(); // answers after it was removed
        routed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(!r.knownGateway("held"), "a removed gateway's entry (and its class loader) is not kept by a late answer");
    }

    @Test
    void aCustomRecipientGoesToAGatewayOfItsTypeAndAListWithOneNobodyServesStillReachesTheRest() throws Exception {
        entries.put("fax-ann@example.org", new Resolution.Foreign("fax", "+15551234"));
        entries.put("ann@example.org", new Resolution.Mailbox(new User("ann@example.org", "Ann", "athena", 0, 0)));
        entries.put("x400-bob@example.org", new Resolution.Foreign("X400", "c=US;s=Bob"));
        entries.put("staff@example.org", new Resolution.Expansion("staff@example.org", true,
                List.of(a("ann@example.org"), a("x400-bob@example.org"))));
        RecipientRouter r = new RecipientRouter("athena", directory, null);
        r.addGateway(gateway("fax", new AddressSpace("FAX", "+1*", 5)));
        assertEquals("gateway:fax FAX:+15551234", where(r.route(a("fax-ann@example.org"))));
        Routing none = r.route(a("x400-bob@example.org"));
        assertTrue(none.failed() && "5.4.4".equals(none.code()), none.toString());
        assertEquals("local ann@example.org", where(r.route(a("staff@example.org"))));
    }
}
