package org.postrider.mapi;

/** An encoded property set that is malformed or over a limit; {@link #code()} says which. */
public final class PropFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong, one code per check. */
    public enum Code {
        /** the first four octets are not "PRPS" */
        BAD_MAGIC,
        /** a version this decoder does not read */
        BAD_VERSION,
        /** the declared length is over {@link PropLimits#maxOctets()} or under the least a message takes */
        TOO_LARGE,
        /** a value runs past the declared length */
        TRUNCATED,
        /** octets are left inside the declared length after the attachment table */
        TRAILING,
        /** a property type code that is not one of {@link org.postrider.api.props.PropType} */
        UNKNOWN_TYPE,
        /** property id 0 */
        BAD_ID,
        /** ids not in strictly ascending order (a duplicate among them) */
        BAD_ORDER,
        TOO_MANY_PROPERTIES,
        VALUE_TOO_LONG,
        TOO_MANY_VALUES,
        TOO_MANY_ROWS,
        TOO_MANY_STREAMS,
        /** stream lengths together over {@link PropLimits#maxStreamOctets()} */
        STREAMS_TOO_LARGE,
        /** a stream index out of sequence, or a negative length */
        BAD_STREAM,
        /** a value form other than inline (0) or stream (1) */
        BAD_FORM,
        /** a boolean octet other than 0 or 1 */
        BAD_BOOLEAN,
        /** a negative FILETIME */
        BAD_TIME,
        /** text that is not well-formed UTF-8 */
        BAD_UTF8,
        /** a row without the properties its table requires (a recipient's type and address, an attachment's data) */
        BAD_ROW,
        /** the input ended before the message did (one-shot decoding only) */
        INCOMPLETE
    }

    private final Code code;

    public PropFormatException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
