package org.postrider.smtp.command;

import java.io.IOException;
import java.io.OutputStream;
import org.postrider.api.message.BodyType;
import org.postrider.api.queue.Submission;
import org.postrider.lineserver.ProtocolViolation;
import org.postrider.smtp.HeaderFilter;
import org.postrider.smtp.SmtpSession;
import org.postrider.smtp.Transaction;
import org.postrider.smtp.proto.ChunkLineEndings;
import org.postrider.smtp.proto.SmtpRequest;

/**
 * BDAT (RFC 3030 CHUNKING): exact byte counts, no dot-stuffing; the message is queued at LAST.
 * Unless the body is binary, the text obeys DATA's rule: only CRLF ends a line.
 */
public final class Bdat implements SmtpCommand {
    @Override
    public String verb() {
        return "BDAT";
    }

    @Override
    public String ehloKeyword(SmtpSession s) {
        return "CHUNKING";
    }

    @Override
    public void execute(SmtpSession s, SmtpRequest r) throws IOException {
        String[] a = r.argument().trim().split(" +");
        if (a.length < 1 || a.length > 2 || !a[0].matches("\\d{1,18}")
                || (a.length == 2 && !a[1].equalsIgnoreCase("LAST"))) {
            s.bad("501 5.5.4 syntax: BDAT size [LAST]");
            s.end(); // the chunk's size is unknown: the stream cannot be resynchronised
            return;
        }
        long size = Long.parseLong(a[0]);
        boolean last = a.length == 2;
        Transaction t = s.transaction();
        if (t == null || t.recipients.isEmpty() || t.failed) {
            s.connection().readExact(size, null); // consume the chunk, then refuse
            s.reply(t == null ? "503 5.5.1 need MAIL first" : t.failed ? "554 5.5.1 transaction failed"
                    : "554 5.5.1 no valid recipients");
            if (last) {
                s.reset();
            }
            return;
        }
        if (t.chunks == null) {
            Submission sub = Messages.open(s, t);
            if (sub == null) {
                s.connection().readExact(size, null);
                t.failed = true;
                return;
            }
            t.chunks = sub;
            s.service().beginData(s.connection()); // all chunks together, under one deadline and rate
            t.chunkFilter = s.service().headerFilter(sub.content(), s.submission());
            // A binary body (BODY=BINARYMIME) may hold any octet; it is never relayed by DATA.
            t.chunkLineEndings = t.body == BodyType.BINARY_MIME ? null : new ChunkLineEndings();
        }
        HeaderFilter f = t.chunkFilter;
        if (f.bytes() + size > s.service().config().maxMessageSize()) {
            s.connection().readExact(size, null);
            t.failed = true;
            t.abort();
            // The text is over (what follows is refused until LAST): a client that pauses now is idle, not slow.
            s.connection().endData();
            s.reply("552 5.3.4 message size exceeds fixed limit");
            return;
        }
        ChunkLineEndings endings = t.chunkLineEndings;
        try {
            readChunk(s, size, f, endings);
        } catch (ProtocolViolation v) { // a deadline passed: the message and the session end
            s.reset();
            s.violation(v);
            return;
        }
        if (endings != null && (last ? endings.bareAtEnd() : endings.bare())) {
            // As in DATA (SECURITY.md bar 1): the message is dropped with the session.
            t.failed = true;
            s.reset();
            s.reply("521 5.5.2 bare CR or LF in the message; only CRLF ends a line, closing");
            s.end();
            return;
        }
        if (!last) {
            s.reply("250 2.0.0 " + size + " octets received");
            return;
        }
        f.finish();
        Submission sub = t.chunks;
        t.chunks = null;
        if (f.tooLarge()) {
            sub.close();
            s.reset();
            s.reply("552 5.3.4 header too large");
            return;
        }
        s.connection().endData();
        Messages.commit(s, sub);
    }

    /** Reads one chunk into the message, through the CRLF check unless the body is binary. */
    private static void readChunk(SmtpSession s, long size, HeaderFilter f, ChunkLineEndings endings)
            throws IOException {
        s.connection().readExact(size, endings == null ? f : new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                endings.scan(b, off, len);
                if (!endings.bare()) {
                    f.write(b, off, len); // the rest of the chunk is read, but not spooled
                }
            }
        });
    }
}
