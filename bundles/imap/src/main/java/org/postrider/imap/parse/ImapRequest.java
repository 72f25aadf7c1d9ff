package org.postrider.imap.parse;

import java.util.List;

/**
 * One client command: its tag, its name in upper case ({@code UID FETCH} is "FETCH" with
 * {@code uid} set) and its arguments.
 */
public record ImapRequest(String tag, String command, boolean uid, List<ImapToken> args) {
    public ImapRequest {
        args = List.copyOf(args);
    }
}
