package org.postrider.pop3;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** RFC 1939 exclusive access: one POP3 session per maildrop at a time. */
final class MaildropLocks {
    private final Map<String, Object> owners = new ConcurrentHashMap<>();

    boolean acquire(String user, Object session) {
        return owners.putIfAbsent(user.toLowerCase(Locale.ROOT), session) == null;
    }

    void release(String user, Object session) {
        owners.remove(user.toLowerCase(Locale.ROOT), session);
    }
}
