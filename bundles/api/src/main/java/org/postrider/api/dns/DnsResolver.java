package org.postrider.api.dns;

import java.net.InetAddress;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** DNS for mail routing, honouring TTLs. */
@ProviderType
public interface DnsResolver {
    /** The exchangers for a domain (MX, else implicit MX), or a null-MX result. */
    MxResult mx(String domain) throws DnsException;

    /** IPv6 and IPv4 addresses of a host (AAAA then A), following CNAMEs. */
    List<InetAddress> addresses(String host) throws DnsException;
}
