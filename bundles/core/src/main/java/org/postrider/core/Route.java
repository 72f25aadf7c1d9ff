package org.postrider.core;

import java.util.List;
import org.postrider.api.address.MailAddress;

/**
 * Where one final address goes: a transport ("local", "internal", "smtp", "gateway:ID")
 * and its destination (user, home server, domain, gateway or foreign address), with the
 * routes to fall back on, cheapest first, when this one's agent is absent or failing.
 */
record Route(MailAddress finalAddress, String transport, String destination, List<Route> alternatives) {
    Route {
        alternatives = List.copyOf(alternatives);
    }

    Route(MailAddress finalAddress, String transport, String destination) {
        this(finalAddress, transport, destination, List.of());
    }

    String key() {
        return transport + "\u0000" + destination;
    }

    /** This route, then its alternatives. */
    List<Route> candidates() {
        if (alternatives.isEmpty()) {
            return List.of(this);
        }
        List<Route> all = new java.util.ArrayList<>(alternatives.size() + 1);
        all.add(new Route(finalAddress, transport, destination));
        all.addAll(alternatives);
        return all;
    }
}
