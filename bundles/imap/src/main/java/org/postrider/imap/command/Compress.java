package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * COMPRESS DEFLATE (RFC 4978): both directions compressed from the CRLF of the OK on. Offered
 * after login only, and for as many sessions at once as configured.
 */
public final class Compress implements ImapCommand {
    @Override
    public String name() {
        return "COMPRESS";
    }

    @Override
    public Set<ImapSession.State> states() {
        return AUTHENTICATED;
    }

    @Override
    public String capability(ImapSession s) {
        return s.state() != ImapSession.State.NOT_AUTHENTICATED && !s.connection().compressed() ? "COMPRESS=DEFLATE" : null;
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        ArgReader a = new ArgReader(r.args());
        String mechanism = a.atom();
        a.end();
        if (!mechanism.equalsIgnoreCase("DEFLATE")) {
            throw new ImapSyntaxException("unknown compression mechanism");
        }
        if (s.connection().compressed()) {
            s.reply(r.tag() + " NO [COMPRESSIONACTIVE] DEFLATE is active already");
            return;
        }
        if (!s.connection().compress(r.tag() + " OK DEFLATE active", s.service().compressedSessions(),
                s.service().config().maxCompressedSessions())) {
            s.reply(r.tag() + " NO [LIMIT] too many compressed sessions, go on uncompressed");
        }
    }
}
