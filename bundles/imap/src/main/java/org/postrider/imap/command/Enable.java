package org.postrider.imap.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.imap.ImapSession;
import org.postrider.imap.parse.ArgReader;
import org.postrider.imap.parse.ImapRequest;
import org.postrider.imap.parse.ImapSyntaxException;

/**
 * ENABLE (RFC 5161, in the authenticated state only as RFC 9051 6.3.1 says): UTF8=ACCEPT
 * (RFC 6855) switches mailbox names and strings to UTF-8; CONDSTORE (RFC 7162 3.1) makes
 * untagged FETCH responses carry MODSEQ from now on (it is acknowledged whenever asked, also
 * when another command enabled it before); QRESYNC (RFC 7162 3.2.3, CONDSTORE with it) lets
 * SELECT resynchronize and tells expunges as VANISHED; anything else is ignored, as RFC 5161
 * asks.
 */
public final class Enable implements ImapCommand {
    @Override
    public String name() {
        return "ENABLE";
    }

    @Override
    public Set<ImapSession.State> states() {
        return Set.of(ImapSession.State.AUTHENTICATED);
    }

    @Override
    public String capability(ImapSession session) {
        return "ENABLE UTF8=ACCEPT QRESYNC";
    }

    @Override
    public void execute(ImapSession s, ImapRequest r) throws IOException, ImapSyntaxException {
        ArgReader a = new ArgReader(r.args());
        if (!a.hasNext()) {
            throw new ImapSyntaxException("ENABLE expects capabilities");
        }
        StringBuilder enabled = new StringBuilder("* ENABLED");
        boolean condstore = false;
        boolean utf8 = false;
        boolean qresync = false;
        while (a.hasNext()) {
            String cap = a.atom();
            if (cap.equalsIgnoreCase("UTF8=ACCEPT") && !utf8) {
                utf8 = true;
                if (!s.utf8()) {
                    s.enableUtf8();
                    enabled.append(" UTF8=ACCEPT");
                }
            } else if (cap.equalsIgnoreCase("IMAP4rev2") && !s.rev2()) {
                s.enableRev2();
                enabled.append(" IMAP4rev2");
            } else if (cap.equalsIgnoreCase("QRESYNC") && !qresync) {
                qresync = true;
                if (!s.qresync()) {
                    s.enableQresync();
                    enabled.append(" QRESYNC");
                }
            } else if (cap.equalsIgnoreCase("CONDSTORE") && !condstore) {
                condstore = true;
                s.enableCondstore();
                enabled.append(" CONDSTORE");
            }
        }
        s.reply(enabled.toString());
        s.reply(r.tag() + " OK ENABLE completed");
    }
}
