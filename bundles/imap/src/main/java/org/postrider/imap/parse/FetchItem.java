package org.postrider.imap.parse;

import java.util.List;

/** One FETCH data item (RFC 9051 6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ), macros expanded. */
public sealed interface FetchItem {

    /** The item's name in the FETCH response, e.g. "BODY[1.HEADER]&lt;0&gt;". */
    String responseName();

    /** Items without a section. RFC822 is BODY[] (sets \Seen), RFC822.HEADER is BODY.PEEK[HEADER], RFC822.TEXT is BODY[TEXT]. */
    enum Simple implements FetchItem {
        ENVELOPE("ENVELOPE"), BODYSTRUCTURE("BODYSTRUCTURE"), BODY("BODY"), FLAGS("FLAGS"), UID("UID"),
        MODSEQ("MODSEQ"), INTERNALDATE("INTERNALDATE"), RFC822_SIZE("RFC822.SIZE"), RFC822("RFC822"),
        RFC822_HEADER("RFC822.HEADER"), RFC822_TEXT("RFC822.TEXT"), SAVEDATE("SAVEDATE"), EMAILID("EMAILID"),
        THREADID("THREADID");

        private final String name;

        Simple(String name) {
            this.name = name;
        }

        @Override
        public String responseName() {
            return name;
        }

        /** Whether sending this item sets \Seen (RFC 9051 6.4.5). */
        public boolean setsSeen() {
            return this == RFC822 || this == RFC822_TEXT;
        }
    }

    /**
     * BODY[section]&lt;partial&gt; or BODY.PEEK[...]; {@code offset} -1 when there is no partial.
     * RFC 9051: the response names the section as requested and the partial by its origin only.
     */
    record BodySection(Section section, boolean peek, long offset, long length) implements FetchItem {
        @Override
        public String responseName() {
            return "BODY[" + section.spec() + "]" + (offset < 0 ? "" : "<" + offset + ">");
        }
    }

    /** BINARY[part]&lt;partial&gt; or BINARY.PEEK[...] (RFC 3516): the part's content decoded. */
    record Binary(List<Integer> part, boolean peek, long offset, long length) implements FetchItem {
        public Binary {
            part = List.copyOf(part);
        }

        @Override
        public String responseName() {
            return "BINARY[" + Section.partText(part) + "]" + (offset < 0 ? "" : "<" + offset + ">");
        }
    }

    /** BINARY.SIZE[part]: the decoded size. */
    record BinarySize(List<Integer> part) implements FetchItem {
        public BinarySize {
            part = List.copyOf(part);
        }

        @Override
        public String responseName() {
            return "BINARY.SIZE[" + Section.partText(part) + "]";
        }
    }

    /**
     * A body section: a part path ({@code [2, 1]} for "2.1", empty for the message) and what
     * of it: the whole, HEADER, HEADER.FIELDS (fields), HEADER.FIELDS.NOT (fields), TEXT, MIME.
     */
    record Section(List<Integer> part, Kind kind, List<String> fields) {
        public Section {
            part = List.copyOf(part);
            fields = List.copyOf(fields);
        }

        public enum Kind { WHOLE, HEADER, HEADER_FIELDS, HEADER_FIELDS_NOT, TEXT, MIME }

        /** The section-spec as the response shows it. */
        public String spec() {
            StringBuilder sb = new StringBuilder(partText(part));
            String text = switch (kind) {
                case WHOLE -> "";
                case HEADER -> "HEADER";
                case HEADER_FIELDS -> "HEADER.FIELDS";
                case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT";
                case TEXT -> "TEXT";
                case MIME -> "MIME";
            };
            if (!text.isEmpty()) {
                sb.append(sb.isEmpty() ? "" : ".").append(text);
            }
            if (kind == Kind.HEADER_FIELDS || kind == Kind.HEADER_FIELDS_NOT) {
                sb.append(" (");
                for (int i = 0; i < fields.size(); i++) {
                    sb.append(i == 0 ? "" : " ").append(ResponseWriter.astringText(fields.get(i)));
                }
                sb.append(')');
            }
            return sb.toString();
        }

        static String partText(List<Integer> part) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < part.size(); i++) {
                sb.append(i == 0 ? "" : ".").append(part.get(i));
            }
            return sb.toString();
        }
    }
}
