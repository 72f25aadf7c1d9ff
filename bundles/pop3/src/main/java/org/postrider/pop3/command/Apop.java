package org.postrider.pop3.command;

import java.io.IOException;
import java.util.Set;
import org.postrider.pop3.Pop3Session;
import org.postrider.pop3.proto.Pop3Request;

/**
 * APOP is refused: it rests on MD5 challenge-response, from which passwords can be
 * recovered (CVE-2007-1558), and it needs passwords stored in the clear. The greeting
 * carries no timestamp, so clients do not offer it.
 */
public final class Apop implements Pop3Command {
    @Override
    public String keyword() {
        return "APOP";
    }

    @Override
    public Set<Pop3Session.State> states() {
        return AUTHORIZATION;
    }

    @Override
    public void execute(Pop3Session s, Pop3Request r) throws IOException {
        s.reply("-ERR APOP is not supported (MD5); use USER/PASS or AUTH over TLS");
    }
}
