package org.postrider.store.maildir.mime;

/**
 * The limits of one structure parse (SECURITY.md 3.4, 3.9). Past a limit the parser goes no
 * deeper: what lies beyond is one opaque part and the structure says {@code truncated}.
 *
 * @param depth            MIME entities nested in one another, the message itself counting 1
 *                         (each multipart level and each enclosed message/rfc822 adds one)
 * @param parts            body parts and enclosed messages in the whole message
 * @param headerBytes      header octets kept of one entity (fields past it are dropped)
 * @param totalHeaderBytes header octets kept of all entities together, which bounds the
 *                         structure's own size in memory and in its cache file
 */
public record Bounds(int depth, int parts, int headerBytes, int totalHeaderBytes) {
    /** The most {@code depth} allows: the codec and the searches recurse once per level. */
    public static final int MAX_DEPTH = 128;

    /** 32 levels (real mail rarely passes 10), 1000 parts, 64 KiB per header, 1 MiB in all. */
    public static final Bounds DEFAULT = new Bounds(32, 1000, 64 * 1024, 1024 * 1024);

    public Bounds {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be 1.." + MAX_DEPTH + ": " + depth);
        }
        if (parts < 0 || headerBytes < 0 || totalHeaderBytes < 0) {
            throw new IllegalArgumentException("negative bound");
        }
    }
}
