package org.postrider.api.queue;

import java.util.Objects;

/**
 * A typed policy answer (accept, defer, reject) with the SMTP reply code, enhanced status
 * code and text a listener sends back. Policy code returns verdicts; it never throws.
 */
public record Verdict(Kind kind, int replyCode, String enhancedCode, String text) {
    public enum Kind { ACCEPT, DEFER, REJECT }

    public Verdict {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    public static Verdict accept() {
        return new Verdict(Kind.ACCEPT, 250, "2.1.5", "OK");
    }

    public static Verdict defer(String enhancedCode, String text) {
        return new Verdict(Kind.DEFER, 450, enhancedCode, text);
    }

    public static Verdict reject(int replyCode, String enhancedCode, String text) {
        return new Verdict(Kind.REJECT, replyCode, enhancedCode, text);
    }

    public boolean accepted() {
        return kind == Kind.ACCEPT;
    }
}
