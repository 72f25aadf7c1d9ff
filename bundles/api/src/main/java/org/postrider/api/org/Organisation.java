package org.postrider.api.org;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The registry of the organisation's servers. The router asks it where mail for another
 * server or for the Internet goes; the internal transport asks it whom to connect to and
 * whom to accept.
 */
@ProviderType
public interface Organisation {
    /** This server's name. */
    String self();

    /** Every server of the organisation this one knows, itself included if configured. */
    List<OrgServer> servers();

    /** The server of that name (case-insensitive), if the organisation has one. */
    default Optional<OrgServer> server(String name) {
        return servers().stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
    }

    /**
     * The server that relays mail bound for the Internet (Exchange's Internet Mail
     * connector server), or empty when this server sends its own Internet mail by SMTP.
     * Never this server itself.
     */
    Optional<String> internetGateway();
}
