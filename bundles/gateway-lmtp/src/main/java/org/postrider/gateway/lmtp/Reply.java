package org.postrider.gateway.lmtp;

import java.util.List;

/**
 * One LMTP/SMTP reply: the code, the enhanced status if the server gave one (RFC 2034),
 * and its text lines.
 */
record Reply(int code, String enhancedCode, List<String> lines) {
    boolean positive() {
        return code >= 200 && code < 400;
    }

    boolean temporary() {
        return code >= 400 && code < 500;
    }

    /** The enhanced code, or one made from the reply class when the server gave none. */
    String status() {
        return enhancedCode != null ? enhancedCode : (code / 100) + ".0.0";
    }

    String text() {
        return code + " " + String.join(" / ", lines);
    }
}
