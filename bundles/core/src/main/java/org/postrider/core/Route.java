package org.postrider.core;

import org.postrider.api.address.MailAddress;

/**
 * Where one final address goes: a transport ("local", "internal", "smtp", "gateway:ID")
 * and its destination (user, home server, domain, address space).
 */
record Route(MailAddress finalAddress, String transport, String destination) {
    String key() {
        return transport + "\u0000" + destination;
    }
}
