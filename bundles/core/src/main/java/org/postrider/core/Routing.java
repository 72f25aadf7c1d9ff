package org.postrider.core;

import java.util.List;

/** The routes of one envelope recipient after expansion, or why it cannot be delivered. */
record Routing(List<Route> routes, boolean failed, boolean temporary, String code, String diagnostic) {
    static Routing of(List<Route> routes) {
        return new Routing(List.copyOf(routes), false, false, null, null);
    }

    static Routing fail(String code, String diagnostic) {
        return new Routing(List.of(), true, false, code, diagnostic);
    }

    static Routing defer(String code, String diagnostic) {
        return new Routing(List.of(), false, true, code, diagnostic);
    }
}
