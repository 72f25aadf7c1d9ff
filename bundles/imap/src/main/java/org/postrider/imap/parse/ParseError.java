package org.postrider.imap.parse;

/**
 * A command refused by a parser; {@code reason} is safe to send back. {@code tag} is null
 * when the line had no readable tag (answer with "*"). {@code fatal}: the client may be
 * sending octets that can no longer be framed (a refused non-synchronising literal), so
 * the session must answer BYE and close.
 */
public record ParseError(String tag, String reason, boolean fatal) {

    /** The BAD (or BYE when fatal) response line, without CRLF. */
    public String response() {
        if (fatal) {
            return "* BYE " + reason;
        }
        return (tag == null ? "*" : tag) + " BAD " + reason;
    }
}
