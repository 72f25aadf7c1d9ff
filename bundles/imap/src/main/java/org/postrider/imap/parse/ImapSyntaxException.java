package org.postrider.imap.parse;

/**
 * An argument a command-level parser refused; the message is safe to send back in a BAD,
 * after the response code (e.g. "BADCHARSET (US-ASCII UTF-8)") when there is one.
 */
public final class ImapSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public ImapSyntaxException(String message) {
        this(null, message);
    }

    public ImapSyntaxException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A response code without brackets, or null. */
    public String code() {
        return code;
    }

    /** "[CODE] message" or "message", for the tagged BAD. */
    public String responseText() {
        return code == null ? getMessage() : "[" + code + "] " + getMessage();
    }
}
