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

    /**
     * A custom recipient, as Exchange had: the name belongs to the organisation, but the mail
     * goes to an address on a foreign system, through a gateway whose address space matches
     * the type and the address (for example type "X400", address "c=US;a= ;p=Example;s=Smith").
     * Added in 2.0 (a consumer's exhaustive switch over {@code Resolution} needs a case for it).
     */
    record Foreign(String type, String address) implements Resolution {
        public Foreign {
            java.util.Objects.requireNonNull(type, "type");
            java.util.Objects.requireNonNull(address, "address");
            type = type.toUpperCase(java.util.Locale.ROOT);
        }

        /** As the gateway gets it in {@code Delivery.destination()}: {@code TYPE:address}. */
        @Override
        public String toString() {
            return type + ":" + address;
        }
    }

    /** The domain is ours but nobody has this address: refuse at RCPT time. */
    record Unknown() implements Resolution {
    }

    /** The domain is not ours: route it out (SMTP, gateway). */
    record NotLocal() implements Resolution {
    }
}
