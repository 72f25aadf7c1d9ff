package org.postrider.pop3.proto;

import java.util.List;

/** One parsed POP3 command: the keyword in upper case and its arguments. */
public record Pop3Request(String keyword, List<String> args) {
    public Pop3Request {
        args = List.copyOf(args);
    }
}
