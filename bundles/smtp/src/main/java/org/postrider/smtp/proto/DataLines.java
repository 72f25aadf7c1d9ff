package org.postrider.smtp.proto;

/**
 * The DATA body rules of RFC 5321 4.5.2 for one framed line: "." alone ends the message,
 * a leading "." of any other line is removed. Free of I/O; the framing itself (only CRLF
 * ends a line) is the line server's.
 */
public final class DataLines {
    private DataLines() {
    }

    /** True if this line ends the message. */
    public static boolean isEnd(byte[] line) {
        return line.length == 1 && line[0] == '.';
    }

    /** Where the content of the line starts: 1 if dot-stuffed, else 0. */
    public static int contentOffset(byte[] line) {
        return line.length > 0 && line[0] == '.' ? 1 : 0;
    }
}
