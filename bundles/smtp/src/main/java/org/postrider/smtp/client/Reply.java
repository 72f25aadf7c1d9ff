package org.postrider.smtp.client;

import java.util.List;

/**
 * A reply of the next hop: the code and its lines' texts (kept apart so EHLO keywords are
 * read one per line), joined for the DSN.
 */
record Reply(int code, List<String> lines) {
    Reply {
        lines = List.copyOf(lines);
    }

    String text() {
        return String.join(" ", lines);
    }

    boolean positive() {
        return code >= 200 && code < 400;
    }

    boolean temporary() {
        return code >= 400 && code < 500;
    }

    /** The enhanced status the reply carries ("5.1.1"), or one made from its code. */
    String enhanced() {
        String text = text();
        if (text.matches("^[245]\\.\\d{1,3}\\.\\d{1,3}( .*)?$")) {
            return text.substring(0, text.indexOf(' ') < 0 ? text.length() : text.indexOf(' '));
        }
        return code >= 500 ? "5.0.0" : code >= 400 ? "4.0.0" : "2.0.0";
    }

    @Override
    public String toString() {
        return code + " " + text();
    }
}
