package org.postrider.api.props;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postrider.api.address.InvalidAddressException;
import org.postrider.api.address.MailAddress;

/**
 * A row of the recipient table: PR_RECIPIENT_TYPE (To, Cc or Bcc) and PR_EMAIL_ADDRESS (an
 * SMTP address that {@link MailAddress#parse} accepts) at least, PR_DISPLAY_NAME often, and
 * any other properties.
 */
public record RecipientRow(PropertySet properties) {
    public RecipientRow {
        int type = properties.int32(PropTags.RECIPIENT_TYPE)
                .orElseThrow(() -> new IllegalArgumentException("a recipient row needs PR_RECIPIENT_TYPE"));
        if (type < PropTags.MAPI_TO || type > PropTags.MAPI_BCC) {
            throw new IllegalArgumentException("PR_RECIPIENT_TYPE is To, Cc or Bcc: " + type);
        }
        String address = properties.text(PropTags.EMAIL_ADDRESS)
                .orElseThrow(() -> new IllegalArgumentException("a recipient row needs PR_EMAIL_ADDRESS"));
        try {
            MailAddress.parse(address);
        } catch (InvalidAddressException e) {
            throw new IllegalArgumentException("PR_EMAIL_ADDRESS is not an address: " + e.getMessage(), e);
        }
    }

    /** A row of that type (MAPI_TO, MAPI_CC, MAPI_BCC), address and display name (null or empty for none). */
    public static RecipientRow of(int type, String address, String displayName) {
        List<Property> p = new ArrayList<>(3);
        p.add(Property.of(PropTags.RECIPIENT_TYPE, type));
        p.add(Property.of(PropTags.EMAIL_ADDRESS, address));
        if (displayName != null && !displayName.isEmpty()) {
            p.add(Property.of(PropTags.DISPLAY_NAME, displayName));
        }
        return new RecipientRow(PropertySet.of(p));
    }

    /** MAPI_TO, MAPI_CC or MAPI_BCC. */
    public int type() {
        return properties.int32(PropTags.RECIPIENT_TYPE).orElseThrow();
    }

    public String address() {
        return properties.text(PropTags.EMAIL_ADDRESS).orElseThrow();
    }

    public Optional<String> displayName() {
        return properties.text(PropTags.DISPLAY_NAME);
    }
}
