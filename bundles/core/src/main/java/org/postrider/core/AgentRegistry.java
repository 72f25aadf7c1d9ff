package org.postrider.core;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postrider.api.queue.DeliveryAgent;

/**
 * The delivery agents bound now, by transport. Agents come and go with their bundles; for
 * one transport the highest service ranking wins, then the oldest service.
 */
final class AgentRegistry {
    record Ref(DeliveryAgent agent, int ranking, long serviceId) {
    }

    private final Map<String, List<Ref>> byTransport = new ConcurrentHashMap<>();

    /** False when that service is bound already (a gateway registered under both interfaces). */
    boolean add(String transport, Ref ref) {
        List<Ref> list = byTransport.computeIfAbsent(transport, k -> new CopyOnWriteArrayList<>());
        synchronized (list) {
            if (list.stream().anyMatch(r -> r.serviceId() == ref.serviceId() && r.agent() == ref.agent())) {
                return false;
            }
            list.add(ref);
            return true;
        }
    }

    /** Every transport served now, with its agents' service ids, for the gateway: commands. */
    Map<String, List<Ref>> all() {
        return Map.copyOf(byTransport);
    }

    void remove(DeliveryAgent agent) {
        for (List<Ref> list : byTransport.values()) {
            list.removeIf(r -> r.agent() == agent);
        }
    }

    /** The agent that serves a transport now, or null while none does. */
    DeliveryAgent agent(String transport) {
        List<Ref> list = byTransport.get(transport);
        if (list == null) {
            return null;
        }
        return list.stream().max(Comparator.comparingInt(Ref::ranking)
                .thenComparing(Ref::serviceId, Comparator.reverseOrder())).map(Ref::agent).orElse(null);
    }
}
