package org.postrider.api.directory;

import java.util.List;
import org.postrider.api.address.MailAddress;

/** What the directory says an address is. */
public sealed interface Resolution {
    /** A user's mailbox, on this server or on another server of the organisation. */
    record Mailbox(User user) implements Resolution {
    }

    /** An alias or a distribution list: deliver to these instead (resolved again, with loop limits). */
    record Expansion(String name, boolean distributionList, List<MailAddress> members) implements Resolution {
        public Expansion {
            members = List.copyOf(members);
        }
    }

    /** The domain is ours but nobody has this address: refuse at RCPT time. */
    record Unknown() implements Resolution {
    }

    /** The domain is not ours: route it out (SMTP, gateway). */
    record NotLocal() implements Resolution {
    }
}
