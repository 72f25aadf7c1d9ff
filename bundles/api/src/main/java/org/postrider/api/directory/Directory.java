package org.postrider.api.directory;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;
import org.postrider.api.address.Domain;
import org.postrider.api.address.MailAddress;

/** The Directory: who is who in the organisation. */
@ProviderType
public interface Directory {
    boolean isLocalDomain(Domain domain);

    /** Resolves one step: a mailbox, an expansion to resolve again, unknown, or not local. */
    Resolution resolve(MailAddress address);

    Optional<User> user(String id);

    /**
     * Checks a password. Takes the same time whether or not the user exists, so replies
     * and timing cannot be used to enumerate users.
     */
    AuthResult authenticate(String login, char[] password);

    /**
     * The SCRAM-SHA-256 keys of a login, for servers to offer that mechanism. For an unknown
     * login, keys made up from it (the same salt each time, so salts cannot tell users from
     * strangers) that match no proof. Null when this directory has no SCRAM keys at all.
     */
    default ScramCredentials scramSha256(String login) {
        return null;
    }
}
