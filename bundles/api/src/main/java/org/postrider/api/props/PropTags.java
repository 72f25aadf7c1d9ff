package org.postrider.api.props;

/**
 * The properties Postrider maps, with MAPI's ids (MS-OXPROPS; mapitags.h) and the Unicode
 * form of each string property. {@link #MIME_CONTENT} is Postrider's own.
 */
public final class PropTags {
    private PropTags() {
    }

    // message envelope and content properties

    /** PR_IMPORTANCE: {@link #IMPORTANCE_LOW}, {@link #IMPORTANCE_NORMAL}, {@link #IMPORTANCE_HIGH}. */
    public static final PropTag IMPORTANCE = new PropTag(0x0017, PropType.LONG);
    /** PR_MESSAGE_CLASS, "IPM.Note" for a mail message. */
    public static final PropTag MESSAGE_CLASS = new PropTag(0x001A, PropType.UNICODE);
    /** PR_SENSITIVITY: 0 none, {@link #SENSITIVITY_PERSONAL}, {@link #SENSITIVITY_PRIVATE}, {@link #SENSITIVITY_CONFIDENTIAL}. */
    public static final PropTag SENSITIVITY = new PropTag(0x0036, PropType.LONG);
    /** PR_SUBJECT. */
    public static final PropTag SUBJECT = new PropTag(0x0037, PropType.UNICODE);
    /** PR_CLIENT_SUBMIT_TIME: the Date field. */
    public static final PropTag CLIENT_SUBMIT_TIME = new PropTag(0x0039, PropType.SYSTIME);
    /** PR_SENDER_NAME: the display name of the From field. */
    public static final PropTag SENDER_NAME = new PropTag(0x0C1A, PropType.UNICODE);
    /** PR_SENDER_ADDRTYPE, "SMTP". */
    public static final PropTag SENDER_ADDRTYPE = new PropTag(0x0C1E, PropType.UNICODE);
    /** PR_SENDER_EMAIL_ADDRESS: the address of the From field. */
    public static final PropTag SENDER_EMAIL_ADDRESS = new PropTag(0x0C1F, PropType.UNICODE);
    /** PR_BODY: the plain text body. */
    public static final PropTag BODY = new PropTag(0x1000, PropType.UNICODE);
    /** PR_HTML: the HTML body, UTF-8 octets here. */
    public static final PropTag HTML = new PropTag(0x1013, PropType.BINARY);
    /** PR_INTERNET_MESSAGE_ID, with its angle brackets. */
    public static final PropTag INTERNET_MESSAGE_ID = new PropTag(0x1035, PropType.UNICODE);
    /** PR_INTERNET_REFERENCES: the References field's message ids, separated by spaces. */
    public static final PropTag INTERNET_REFERENCES = new PropTag(0x1039, PropType.UNICODE);
    /** PR_IN_REPLY_TO_ID: the In-Reply-To field. */
    public static final PropTag IN_REPLY_TO_ID = new PropTag(0x1042, PropType.UNICODE);

    // recipient rows

    /** PR_RECIPIENT_TYPE: {@link #MAPI_TO}, {@link #MAPI_CC}, {@link #MAPI_BCC}. */
    public static final PropTag RECIPIENT_TYPE = new PropTag(0x0C15, PropType.LONG);
    /** PR_DISPLAY_NAME. */
    public static final PropTag DISPLAY_NAME = new PropTag(0x3001, PropType.UNICODE);
    /** PR_ADDRTYPE, "SMTP". */
    public static final PropTag ADDRTYPE = new PropTag(0x3002, PropType.UNICODE);
    /** PR_EMAIL_ADDRESS: the SMTP address. */
    public static final PropTag EMAIL_ADDRESS = new PropTag(0x3003, PropType.UNICODE);

    // attachment rows

    /** PR_ATTACH_DATA_BIN: the attachment's octets. */
    public static final PropTag ATTACH_DATA_BIN = new PropTag(0x3701, PropType.BINARY);
    /** PR_ATTACH_FILENAME: the short (8.3) file name. */
    public static final PropTag ATTACH_FILENAME = new PropTag(0x3704, PropType.UNICODE);
    /** PR_ATTACH_METHOD: {@link #ATTACH_BY_VALUE}. */
    public static final PropTag ATTACH_METHOD = new PropTag(0x3705, PropType.LONG);
    /** PR_ATTACH_LONG_FILENAME. */
    public static final PropTag ATTACH_LONG_FILENAME = new PropTag(0x3707, PropType.UNICODE);
    /** PR_ATTACH_MIME_TAG: the content type, "type/subtype". */
    public static final PropTag ATTACH_MIME_TAG = new PropTag(0x370E, PropType.UNICODE);
    /** PR_ATTACH_CONTENT_ID, without angle brackets. */
    public static final PropTag ATTACH_CONTENT_ID = new PropTag(0x3712, PropType.UNICODE);

    /**
     * Postrider's own (in MAPI's range of transmittable properties a message class defines,
     * 0x6800-0x7BFF): the RFC 5322 text a message arrived as, when it arrived as MIME. When
     * present it is what is delivered; the other properties are its headline view.
     */
    public static final PropTag MIME_CONTENT = new PropTag(0x6800, PropType.BINARY);

    public static final int MAPI_TO = 1;
    public static final int MAPI_CC = 2;
    public static final int MAPI_BCC = 3;

    public static final int IMPORTANCE_LOW = 0;
    public static final int IMPORTANCE_NORMAL = 1;
    public static final int IMPORTANCE_HIGH = 2;

    public static final int SENSITIVITY_NONE = 0;
    public static final int SENSITIVITY_PERSONAL = 1;
    public static final int SENSITIVITY_PRIVATE = 2;
    public static final int SENSITIVITY_CONFIDENTIAL = 3;

    /** PR_ATTACH_METHOD ATTACH_BY_VALUE: the data is in PR_ATTACH_DATA_BIN. */
    public static final int ATTACH_BY_VALUE = 1;

    /** PR_MESSAGE_CLASS of a mail message. */
    public static final String IPM_NOTE = "IPM.Note";
}
