package org.postrider.api.dns;

import java.util.List;

/**
 * The exchangers for a domain, in the order to try them: by preference, randomised among
 * equal preferences.
 *
 * @param hosts    the exchangers; for an implicit MX, the domain itself
 * @param implicit true when the domain has no MX and its A/AAAA records stand in (RFC 5321 5.1)
 * @param nullMx   true when the domain publishes "MX 0 ." (RFC 7505): it accepts no mail
 */
public record MxResult(List<MxHost> hosts, boolean implicit, boolean nullMx) {
    public MxResult {
        hosts = List.copyOf(hosts);
    }
}
